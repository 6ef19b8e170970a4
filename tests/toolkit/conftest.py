"""Tiny random-weight models built by the tests and saved with save_pretrained: every transformers and diffusers
path of the toolkit runs offline on them. Outputs are random; tests assert on shapes, labels and plumbing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

WORDS = [
    "the", "a", "of", "and", "to", "in", "is", "was", "who", "what", "where", "when", "president", "united",
    "states", "barack", "obama", "paris", "france", "hello", "world", "good", "bad", "great", "terrible",
    "movie", "film", "love", "hate", "capital", "city", "meeting", "budget", "team", "sports", "music",
    "politics", ".", ",", "?", "!",
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
SMALL = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 37,
         "max_position_embeddings": 128}


def word_tokenizer(pairs: bool = True, eos_suffix: bool = False) -> Any:
    """A lower-casing word-level fast tokenizer over WORDS with BERT-style specials."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {token: index for index, token in enumerate(SPECIALS + WORDS)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece()
    if pairs:
        tok.post_processor = processors.BertProcessing(("[SEP]", 3), ("[CLS]", 2))
    elif eos_suffix:
        tok.post_processor = processors.TemplateProcessing(single="$A [SEP]", special_tokens=[("[SEP]", 3)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]", mask_token="[MASK]", eos_token="[SEP]", model_max_length=128)


def _bert(directory: Path, head: str, labels: list[str] | None = None) -> Path:
    import torch
    import transformers

    torch.manual_seed(0)
    extra = {"id2label": dict(enumerate(labels)), "label2id": {v: k for k, v in enumerate(labels)}} if labels else {}
    config = transformers.BertConfig(vocab_size=len(SPECIALS) + len(WORDS), **SMALL, **extra)
    getattr(transformers, f"BertFor{head}" if head != "Model" else "BertModel")(config).save_pretrained(directory)
    word_tokenizer().save_pretrained(directory)
    return directory


def _t5(directory: Path) -> Path:
    import transformers

    config = transformers.T5Config(vocab_size=len(SPECIALS) + len(WORDS), d_model=32, d_kv=8, d_ff=37, num_layers=2,
                                   num_heads=2, decoder_start_token_id=0, pad_token_id=0, eos_token_id=3)
    transformers.T5ForConditionalGeneration(config).save_pretrained(directory)
    word_tokenizer(pairs=False, eos_suffix=True).save_pretrained(directory)
    return directory


def _marian(directory: Path) -> Path:
    import transformers

    config = transformers.MarianConfig(
        vocab_size=len(SPECIALS) + len(WORDS), d_model=32, encoder_layers=2, decoder_layers=2,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=37, decoder_ffn_dim=37,
        max_position_embeddings=128, pad_token_id=0, eos_token_id=3, decoder_start_token_id=0, forced_eos_token_id=3,
    )
    transformers.MarianMTModel(config).save_pretrained(directory)
    word_tokenizer(pairs=False, eos_suffix=True).save_pretrained(directory)
    return directory


def _gpt2(directory: Path) -> Path:
    import transformers

    config = transformers.GPT2Config(vocab_size=len(SPECIALS) + len(WORDS), n_embd=32, n_layer=2, n_head=2,
                                     n_positions=128, bos_token_id=3, eos_token_id=3)
    transformers.GPT2LMHeadModel(config).save_pretrained(directory)
    word_tokenizer(pairs=False).save_pretrained(directory)
    return directory


def _llama_chat(directory: Path) -> Path:
    """A tiny Llama with the real SmolLM2 tokenizer (and its chat template), converted from the embedded GGUF."""
    import transformers

    from hfkit.toolkit.tokens import load_tokenizer

    tok = load_tokenizer("smollm2-135m-instruct")
    config = transformers.LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                                      bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id)
    transformers.LlamaForCausalLM(config).save_pretrained(directory)
    tok.save_pretrained(directory)
    return directory


def _diffusion(directory: Path) -> Path:
    """A tiny Stable Diffusion pipeline (UNet, VAE, CLIP text encoder) as in diffusers' own tests."""
    import diffusers
    import torch
    import transformers

    torch.manual_seed(0)
    unet = diffusers.UNet2DConditionModel(
        block_out_channels=(32, 64), layers_per_block=1, sample_size=16, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32, norm_num_groups=32,
    )
    vae = diffusers.AutoencoderKL(
        block_out_channels=[32, 64], in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"] * 2,
        up_block_types=["UpDecoderBlock2D"] * 2, latent_channels=4, norm_num_groups=32, sample_size=32,
    )
    text_config = transformers.CLIPTextConfig(bos_token_id=2, eos_token_id=3, pad_token_id=0, hidden_size=32,
                                              intermediate_size=37, num_attention_heads=4, num_hidden_layers=2,
                                              vocab_size=len(SPECIALS) + len(WORDS), max_position_embeddings=77)
    tokenizer = word_tokenizer(pairs=False)
    tokenizer.model_max_length = 16
    pipe = diffusers.StableDiffusionPipeline(
        unet=unet, vae=vae, text_encoder=transformers.CLIPTextModel(text_config), tokenizer=tokenizer,
        scheduler=diffusers.DDIMScheduler(), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(directory)
    return directory


def _wav2vec2(directory: Path) -> Path:
    """A tiny wav2vec2 CTC model with a character vocabulary and its processor."""
    import json

    import transformers

    chars = ["<pad>", "<unk>", "|", *"abcdefghijklmnopqrstuvwxyz'"]
    directory.mkdir(parents=True)
    (directory / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(chars)}))
    tokenizer = transformers.Wav2Vec2CTCTokenizer(str(directory / "vocab.json"), unk_token="<unk>",
                                                  pad_token="<pad>", word_delimiter_token="|")
    features = transformers.Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0,
                                                     do_normalize=True, return_attention_mask=False)
    config = transformers.Wav2Vec2Config(
        vocab_size=len(chars), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=37,
        conv_dim=(32, 32, 32), conv_stride=(5, 4, 4), conv_kernel=(10, 4, 4), num_conv_pos_embeddings=16,
        num_conv_pos_embedding_groups=2, pad_token_id=0,
    )
    transformers.Wav2Vec2ForCTC(config).save_pretrained(directory)
    transformers.Wav2Vec2Processor(feature_extractor=features, tokenizer=tokenizer).save_pretrained(directory)
    return directory


def _vits(directory: Path) -> Path:
    """A tiny VITS text-to-speech model with a character vocabulary."""
    import json

    import torch
    import transformers

    chars = ["k", " ", *"abcdefghijlmnopqrstuvwxyz'.,"]
    directory.mkdir(parents=True)
    (directory / "vocab.json").write_text(json.dumps({c: i for i, c in enumerate(chars)}))
    tokenizer = transformers.VitsTokenizer(str(directory / "vocab.json"), add_blank=True, phonemize=False)
    config = transformers.VitsConfig(
        vocab_size=len(chars), hidden_size=16, num_hidden_layers=2, num_attention_heads=2, ffn_dim=32, flow_size=16,
        spectrogram_bins=33, upsample_initial_channel=16, upsample_rates=[8, 8], upsample_kernel_sizes=[16, 16],
        resblock_kernel_sizes=[3], resblock_dilation_sizes=[[1, 3]], prior_encoder_num_flows=2,
        prior_encoder_num_wavenet_layers=2, posterior_encoder_num_wavenet_layers=2,
        duration_predictor_filter_channels=16, depth_separable_num_layers=2, sampling_rate=16000,
    )
    torch.manual_seed(0)
    transformers.VitsModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


BUILDERS: dict[str, Callable[[Path], Path]] = {
    "bert-sentiment": lambda d: _bert(d, "SequenceClassification", ["NEGATIVE", "POSITIVE"]),
    "bert-ner": lambda d: _bert(d, "TokenClassification", ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]),
    "bert-qa": lambda d: _bert(d, "QuestionAnswering"),
    "bert-nli": lambda d: _bert(d, "SequenceClassification", ["contradiction", "neutral", "entailment"]),
    "bert-base": lambda d: _bert(d, "Model"),
    "t5": _t5,
    "marian": _marian,
    "gpt2": _gpt2,
    "llama-chat": _llama_chat,
    "diffusion": _diffusion,
    "wav2vec2": _wav2vec2,
    "vits": _vits,
}


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], str]:
    """Build (once per session) and return the directory of a tiny model: tiny_model('bert-ner')."""
    pytest.importorskip("transformers")
    built: dict[str, str] = {}
    root = tmp_path_factory.mktemp("tiny-models")

    def get(name: str) -> str:
        if name not in built:
            built[name] = str(BUILDERS[name](root / name))
        return built[name]

    return get
