"""The task registry: which engine runs each task, the embedded defaults, the hub models to suggest and the shape of
each task's output (transformers' shapes)."""

from __future__ import annotations

from hfkit.toolkit.pipelines import TaskSpec, register_task
from hfkit.toolkit.tasks import hf, local, shapes

_TEXT_CHAT = {"chat": local.chat_task, "transformers": hf.transformers_task}
_SMOLLM = ("chat", "smollm2-135m-instruct")

for _spec in (
    TaskSpec("sentiment-analysis", "Positive/negative label for a text, with its probability",
             _TEXT_CHAT | {"lexicon": local.lexicon_sentiment},
             ("lexicon", "vader"), ("distilbert/distilbert-base-uncased-finetuned-sst-2-english",
                                    "cardiffnlp/twitter-roberta-base-sentiment-latest"),
             ("sentiment", "text-classification"), shapes.sentiment, flat_batch=True),
    TaskSpec("ner", "Named entities (people, places, organisations) with scores",
             {"spacy": local.spacy_ner, "transformers": hf.transformers_task}, ("spacy", "en-core-web-sm"),
             ("dslim/bert-base-NER",), ("token-classification", "entities"), shapes.entities),
    TaskSpec("question-answering", "Answer a question from a context (--context)", _TEXT_CHAT, None,
             ("distilbert/distilbert-base-cased-distilled-squad", "deepset/roberta-base-squad2"), ("qa",),
             shapes.answer, _SMOLLM),
    TaskSpec("text-generation", "Continue or answer a prompt",
             {"chat": local.chat_generation, "transformers": hf.transformers_task}, _SMOLLM,
             ("HuggingFaceTB/SmolLM2-360M-Instruct", "Qwen/Qwen2.5-0.5B-Instruct"), ("generate", "generation"),
             shapes.generated),
    TaskSpec("summarization", "Shorten a text", _TEXT_CHAT, None,
             ("facebook/bart-large-cnn", "sshleifer/distilbart-cnn-12-6", "google-t5/t5-small"), ("summarize",),
             shapes.summary, _SMOLLM, flat_batch=True),
    TaskSpec("translation", "Translate a text (--src/--tgt, translation_en_to_fr, or a translation model)", _TEXT_CHAT,
             None, ("Helsinki-NLP/opus-mt-en-fr", "Helsinki-NLP/opus-mt-en-de", "google-t5/t5-small"), ("translate",),
             shapes.translation, _SMOLLM, flat_batch=True),
    TaskSpec("text-to-speech", "Speak a text (the CLI writes a WAV file with --output)",
             {"piper": local.piper_tts, "transformers": hf.transformers_task},
             ("piper", "piper-joe"), ("facebook/mms-tts-eng", "rhasspy/piper-voices"), ("tts", "text-to-audio"),
             shapes.speech),
    TaskSpec("automatic-speech-recognition", "Transcribe an audio file",
             {"whisper": local.whisper_asr, "transformers": hf.transformers_task},
             ("whisper", "whisper-tiny.en"), ("Systran/faster-whisper-small",), ("asr", "speech-recognition"),
             shapes.transcript),
    TaskSpec("text-to-image", "Draw an image from a prompt (the CLI writes it with --output)",
             {"diffusers": hf.diffusers_image}, None,
             ("stabilityai/sd-turbo", "stable-diffusion-v1-5/stable-diffusion-v1-5"), ("image", "txt2img"),
             shapes.image),
    TaskSpec("feature-extraction", "A vector for a text",
             {"sentence-transformers": local.sentence_features, "transformers": hf.transformers_task},
             ("sentence-transformers", "all-minilm-l6-v2"), ("sentence-transformers/all-MiniLM-L6-v2",),
             ("embedding", "embeddings"), shapes.features),
    TaskSpec("zero-shot-classification", "Pick the best of --labels for a text",
             _TEXT_CHAT | {"sentence-transformers": local.embedding_zero_shot},
             ("sentence-transformers", "all-minilm-l6-v2"), ("facebook/bart-large-mnli",), ("zero-shot",),
             shapes.zero_shot),
):
    register_task(_spec)
