"""Learning from a sample table: ``hfkit synth DATA.csv -n N`` makes N new rows like it, none of them copied.

from hfkit.synth.tabular import read_sample, learn, sample_rows
model = learn(read_sample(Path("tips.csv")))
rows, replaced = sample_rows(model, 500, numpy.random.default_rng(1))
"""

from hfkit.synth.tabular.columns import LearnOptions
from hfkit.synth.tabular.model import TableModel, learn, sample_rows
from hfkit.synth.tabular.read import TABLE_SUFFIXES, Sample, is_table_file, read_sample

__all__ = ["TABLE_SUFFIXES", "LearnOptions", "Sample", "TableModel", "is_table_file", "learn", "read_sample", "sample_rows"]
