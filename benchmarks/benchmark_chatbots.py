#!/usr/bin/env python3
"""Notebook 06's chatbot vs the attention LSTM and the Transformer on subword pieces, judged by
the checklist of everyday messages (seq2seq_helpers/chat_checklist.py). A benchmark, not a test.

    .venv/bin/python benchmarks/benchmark_chatbots.py --bots lesson,attention,transformer \
        --seeds 42,7,1 --budget 300 --out benchmarks/chatbots.json

Each bot trains for at most --budget seconds of wall time (300 s on 2 cores: 10 CPU-minutes),
keeping its best epoch's weights (EarlyStopping on the validation loss), then answers the
checklist greedily, with beam search (width 5) and by sampling (temperature 0.7, seeded). It also
scores the greedy replies to --bleu-pairs validation messages with BLEU against the reply the
corpus holds. Results are merged into --out per bot and seed, so bots and seeds can be run one
call at a time; notebooks/12 and the README read the table from that file
(seq2seq_helpers/chat_report.py).

- lesson: notebook 06's full mode (opening turns and common questions, <= 7 words, the 1,000
  most common words; the lesson's one-hot LSTM, latent 256, Adam 0.005 with clipnorm 1, batches
  of 32, up to 40 epochs).
- attention / transformer: every turn of every conversation and the common questions, replies
  up to --max-words tokens, all words through --pieces SentencePiece pieces per side; the
  attention LSTM trains with XLA (train_scalable's default for it outside fast mode). The defaults,
  turns of up to 10 tokens and 2,000 pieces, fit 8 epochs in 300 s on seed 42, where 20 tokens
  and 4,000 pieces fitted one (docs/results.md, the chatbots' section).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BOTS = ("lesson", "attention", "transformer")
DECODINGS = {
    "greedy": {},
    "beam 5": {"beam_width": 5},
    "sampling 0.7": {"temperature": 0.7},
}
LESSON = dict(first_turns=4, common_questions=3, max_words=7, top_words=1000)
LESSON_TRAINING = dict(latent_dim=256, epochs=40, batch_size=32, learning_rate=0.005)
TRANSFORMER_SIZES = dict(model_dim=128, num_heads=4, num_layers=2, ff_dim=512, dropout=0.1)
LEARNING_RATES = {"attention": 0.003, "transformer": 0.001}
# The pairs (question, first clause of its reply) of questions asked 3 times or more, as in 06.
COMMON_QUESTIONS = 3


def subword_pairs(conversations, max_words: int, seed: int):
    from seq2seq_helpers.conversations import extract_pairs

    return extract_pairs(
        conversations,
        max_words=max_words,
        first_turns=None,
        common_questions=COMMON_QUESTIONS,
        seed=seed,
    )


def lstm_sizes(args) -> dict:
    """The attention LSTM's sizes, from the command line."""
    return dict(latent_dim=args.latent_dim, embedding_dim=args.embedding_dim)


def train_bot(bot: str, conversations, args, seed: int):
    """Train one bot; return (ChatBot, validation pairs, facts about the training)."""
    import keras

    from seq2seq_helpers.chatbot import ChatBot
    from seq2seq_helpers.conversations import extract_pairs
    from seq2seq_helpers.scalable_training import TimeBudget, train_scalable
    from seq2seq_helpers.subwords import make_subword_vectorizers
    from seq2seq_helpers.training import train_translator

    keras.utils.set_random_seed(seed)
    stops = [
        keras.callbacks.EarlyStopping(patience=args.patience, restore_best_weights=True),
        TimeBudget(args.budget),
    ]
    start = time.perf_counter()
    if bot == "lesson":
        pairs, _ = extract_pairs(conversations, **LESSON, seed=seed)
        validation_split = 0.2
        translator, history = train_translator(
            pairs,
            latent_dim=LESSON_TRAINING["latent_dim"],
            epochs=LESSON_TRAINING["epochs"],
            batch_size=LESSON_TRAINING["batch_size"],
            optimizer=keras.optimizers.Adam(LESSON_TRAINING["learning_rate"], clipnorm=1.0),
            validation_split=validation_split,
            callbacks=stops,
            verbose=0,
        )
        pieces = None
    else:
        pairs, _ = subword_pairs(conversations, args.max_words, seed)
        validation_split = args.validation_split
        training = pairs[: len(pairs) - int(len(pairs) * validation_split)]
        vectorizers = make_subword_vectorizers(training, args.pieces)  # learned on training only
        lstm = {} if bot == "transformer" else lstm_sizes(args)
        translator, history = train_scalable(
            pairs,
            architecture=bot,
            vectorizers=vectorizers,
            transformer_sizes=TRANSFORMER_SIZES if bot == "transformer" else None,
            optimizer=keras.optimizers.Adam(LEARNING_RATES[bot]),
            epochs=args.max_epochs,
            batch_size=64,
            validation_split=validation_split,
            callbacks=stops,
            verbose=0,
            seed=seed,
            **lstm,
        )
        pieces = {"source": vectorizers.max_source_length, "target": vectorizers.max_target_length}
    seconds = time.perf_counter() - start
    split = len(pairs) - int(len(pairs) * validation_split)
    facts = {
        "pairs": len(pairs),
        "training_pairs": split,
        "parameters": translator.model.count_params(),
        "epochs_trained": len(history["loss"]),
        "training_seconds": seconds,
        "best_val_loss": min(history["val_loss"]),
        "max_pieces": pieces,
    }
    return ChatBot(translator, seed=seed), pairs[split:], facts


def bleu_of_replies(bot, validation, count: int) -> dict:
    """BLEU and chrF of the greedy replies to ``count`` validation messages, against the corpus."""
    from seq2seq_helpers.evaluation import translation_scores

    sample = validation[:count]
    replies = [bot.respond(message) for message, _ in sample]
    scores = translation_scores(replies, [reply for _, reply in sample])
    return {"pairs": len(sample), "bleu": scores["bleu"], "chrf": scores["chrf"]}


def checklist_results(bot, seed: int) -> dict:
    from seq2seq_helpers.chat_checklist import score_bot

    results = {}
    for name, options in DECODINGS.items():
        start = time.perf_counter()
        score = score_bot(lambda message, options=options: bot.respond(message, **options))
        results[name] = {
            "sensible_share": score.sensible_share,
            "generic_share": score.generic_share,
            "failures": [v.message for v in score.failures],
            "replies": [v.reply for v in score.verdicts],
            "seconds": time.perf_counter() - start,
        }
        print(
            f"  {name:13} sensible {score.sensible_share:6.1%}  generic "
            f"{score.generic_share:6.1%}  fails: {', '.join(results[name]['failures'][:8])}...",
            flush=True,
        )
    return results


def rescore(path: Path) -> None:
    """Judge the stored replies again (after a rule was corrected), without training."""
    from seq2seq_helpers.chat_checklist import MESSAGES, score_replies
    from seq2seq_helpers.chat_report import chatbots_table

    report = json.loads(path.read_text(encoding="utf-8"))
    for seeds in report["results"].values():
        for result in seeds.values():
            for figures in result["checklist"].values():
                if len(figures["replies"]) != len(MESSAGES):
                    raise ValueError(f"{path}: the replies are not one per checklist message.")
                score = score_replies(figures["replies"])
                figures["sensible_share"] = score.sensible_share
                figures["generic_share"] = score.generic_share
                figures["failures"] = [v.message for v in score.failures]
    path.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(chatbots_table(report))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bots", default=",".join(BOTS))
    parser.add_argument("--seeds", default="42,7,1")
    parser.add_argument("--budget", type=float, default=300.0, help="training seconds per bot")
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--patience", type=int, default=3)
    parser.add_argument("--max-words", type=int, default=10, help="longest turn, in tokens")
    parser.add_argument("--pieces", type=int, default=2000, help="SentencePiece pieces per side")
    parser.add_argument("--latent-dim", type=int, default=256, help="attention LSTM units")
    parser.add_argument("--embedding-dim", type=int, default=128, help="attention LSTM embedding")
    parser.add_argument("--validation-split", type=float, default=0.05)
    parser.add_argument("--bleu-pairs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/chatbots.json"))
    parser.add_argument(
        "--rescore",
        action="store_true",
        help="train nothing: judge the replies kept in --out again with today's checklist rules",
    )
    args = parser.parse_args(argv)
    if args.rescore:
        return rescore(args.out)
    for flag in ("latent_dim", "embedding_dim", "max_words", "pieces"):
        if getattr(args, flag) < 1:
            parser.error(f"--{flag.replace('_', '-')} must be a positive integer.")
    bots = [bot for bot in args.bots.split(",") if bot]
    unknown = sorted(set(bots) - set(BOTS))
    if unknown:
        parser.error(f"unknown bots {unknown}; choose from {list(BOTS)}")
    seeds = [int(seed) for seed in args.seeds.split(",") if seed]

    from seq2seq_helpers.conversations import load_chitchat_conversations

    conversations = load_chitchat_conversations()
    report = json.loads(args.out.read_text()) if args.out.is_file() else {"results": {}}
    report["settings"] = {
        "budget": args.budget,
        "max_epochs": args.max_epochs,
        "patience": args.patience,
        "max_words": args.max_words,
        "pieces": args.pieces,
        "validation_split": args.validation_split,
        "bleu_pairs": args.bleu_pairs,
        "decodings": DECODINGS,
        "lesson": {**LESSON, **LESSON_TRAINING},
        "transformer_sizes": TRANSFORMER_SIZES,
        "lstm_sizes": lstm_sizes(args),
        "common_questions": COMMON_QUESTIONS,
        "learning_rates": LEARNING_RATES,
        "cpu_cores": os.cpu_count(),
    }
    for bot_name in bots:
        for seed in seeds:
            print(f"{bot_name}, seed {seed}: training (<= {args.budget:.0f} s)", flush=True)
            bot, validation, facts = train_bot(bot_name, conversations, args, seed)
            print(f"  {facts}", flush=True)
            result = {**facts, "checklist": checklist_results(bot, seed)}
            result["corpus_replies"] = bleu_of_replies(bot, validation, args.bleu_pairs)
            print(f"  BLEU vs the corpus's replies: {result['corpus_replies']}", flush=True)
            report["results"].setdefault(bot_name, {})[str(seed)] = result
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    from seq2seq_helpers.chat_report import chatbots_table

    print(chatbots_table(report))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
