"""The task registry: which engine runs each task, the embedded defaults and the hub models to suggest."""

from __future__ import annotations

from hfkit.toolkit.pipelines import TaskSpec, register_task
from hfkit.toolkit.tasks import hf, local

_TEXT_CHAT = {"chat": local.chat_task, "transformers": hf.transformers_task}

for _spec in (
    TaskSpec("sentiment-analysis", "Positive/negative label for a text",
             _TEXT_CHAT | {"lexicon": local.lexicon_sentiment},
             ("lexicon", "vader"), ("distilbert/distilbert-base-uncased-finetuned-sst-2-english",
                                    "cardiffnlp/twitter-roberta-base-sentiment-latest"),
             ("sentiment", "text-classification")),
    TaskSpec("ner", "Named entities (people, places, organisations)",
             {"spacy": local.spacy_ner, "transformers": hf.transformers_task}, ("spacy", "en-core-web-sm"),
             ("dslim/bert-base-NER",), ("token-classification", "entities")),
    TaskSpec("question-answering", "Answer a question from a context (--context)", _TEXT_CHAT, None,
             ("distilbert/distilbert-base-cased-distilled-squad", "deepset/roberta-base-squad2"), ("qa",)),
    TaskSpec("text-generation", "Continue or answer a prompt",
             {"chat": local.chat_generation, "transformers": hf.transformers_task}, ("chat", "smollm2-135m-instruct"),
             ("HuggingFaceTB/SmolLM2-360M-Instruct", "Qwen/Qwen2.5-0.5B-Instruct"), ("generate", "generation")),
    TaskSpec("summarization", "Shorten a text", _TEXT_CHAT, None,
             ("facebook/bart-large-cnn", "sshleifer/distilbart-cnn-12-6", "google-t5/t5-small"), ("summarize",)),
    TaskSpec("translation", "Translate a text (--src/--tgt or a translation model)", _TEXT_CHAT, None,
             ("Helsinki-NLP/opus-mt-en-fr", "Helsinki-NLP/opus-mt-en-de", "google-t5/t5-small"), ("translate",)),
    TaskSpec("text-to-speech", "Speak a text into a WAV file (--output)", {"piper": local.piper_tts, "transformers": hf.transformers_task},
             ("piper", "piper-joe"), ("facebook/mms-tts-eng", "rhasspy/piper-voices"), ("tts",)),
    TaskSpec("automatic-speech-recognition", "Transcribe an audio file",
             {"whisper": local.whisper_asr, "transformers": hf.transformers_task},
             ("whisper", "whisper-tiny.en"), ("Systran/faster-whisper-small",), ("asr", "speech-recognition")),
    TaskSpec("text-to-image", "Draw an image from a prompt (--output)", {"diffusers": hf.diffusers_image}, None,
             ("stabilityai/sd-turbo", "stable-diffusion-v1-5/stable-diffusion-v1-5"), ("image", "txt2img")),
    TaskSpec("feature-extraction", "A vector for a text",
             {"sentence-transformers": local.sentence_features, "transformers": hf.transformers_task},
             ("sentence-transformers", "all-minilm-l6-v2"), ("sentence-transformers/all-MiniLM-L6-v2",),
             ("embedding", "embeddings")),
    TaskSpec("zero-shot-classification", "Pick the best of --labels for a text",
             _TEXT_CHAT | {"sentence-transformers": local.embedding_zero_shot},
             ("sentence-transformers", "all-minilm-l6-v2"), ("facebook/bart-large-mnli",), ("zero-shot",)),
):
    register_task(_spec)
