"""Two dependency parsers side by side in the bundled pipeline: seconds per processor and tokens/s.

    python benchmarks/compare_parsers.py OLD.pt [--old-pretrain] NEW.pt [--new-pretrain] [--rounds 2]

Both pipelines (tokenize, ner, pos, identity lemma, depparse; every sentence parsed) are built in
one process and timed in turns over the PolNeAR dev articles, one torch thread, the best of
`rounds` passes per processor: a machine that slows down or speeds up meanwhile slows both alike.
`--old-pretrain` / `--new-pretrain`: that parser reads quotes/models/en_glove.pt (as pipeline.json
says for the bundled one). The old bundled parser is `git show REV:quotes/models/en_parser.pt`.
Not part of the tests.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

MODELS = Path(__file__).resolve().parent.parent / "quotes" / "models"
DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "polnear" / "dev" / "text"
PROCESSORS = ("tokenize", "ner", "pos", "lemma", "depparse")


def pipeline(parser: Path, pretrain: bool):
    import stanza

    options = {"tokenize_model_path": str(MODELS / "en_tokenizer.pt"), "pos_model_path": str(MODELS / "en_tagger.pt"),
               "lemma_use_identity": True, "depparse_model_path": str(parser), "depparse_batch_size": 2000,
               "ner_model_path": str(MODELS / "en_ner.pt"), "ner_pretrain_path": str(MODELS / "en_glove.pt")}
    if pretrain:
        options["depparse_pretrain_path"] = str(MODELS / "en_glove.pt")
    return stanza.Pipeline("en", dir=str(MODELS), processors=",".join(PROCESSORS), download_method=None,
                           allow_unknown_language=True, use_gpu=False, logging_level="WARN", **options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--old-pretrain", action="store_true")
    parser.add_argument("--new-pretrain", action="store_true")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--texts", type=Path, default=DEV, help="folder of .txt articles (default: PolNeAR dev)")
    args = parser.parse_args()

    import torch
    from stanza.models.common.doc import Document

    torch.set_num_threads(1)
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.texts.glob("*.txt"))]
    pipes = {"old": pipeline(args.old, args.old_pretrain), "new": pipeline(args.new, args.new_pretrain)}
    best: dict[str, dict[str, float]] = {name: {} for name in pipes}
    tokens = 0
    for _ in range(args.rounds):
        for name, nlp in pipes.items():
            docs = [Document([], text=t) for t in texts]
            for processor in PROCESSORS:
                started = time.perf_counter()
                docs = nlp.bulk_process(docs, processors=[processor])
                seconds = time.perf_counter() - started
                best[name][processor] = min(best[name].get(processor, seconds), seconds)
            tokens = sum(len(s.tokens) for d in docs for s in d.sentences)
    print(f"| parser | {' | '.join(PROCESSORS)} | pipeline tokens/s | depparse tokens/s |")
    print(f"| --- | {' | '.join('---:' for _ in PROCESSORS)} | ---: | ---: |")
    for name, seconds in best.items():
        print(f"| {name} | {' | '.join(f'{seconds[p]:.2f} s' for p in PROCESSORS)} | "
              f"{tokens / sum(seconds.values()):,.0f} | {tokens / seconds['depparse']:,.0f} |")


if __name__ == "__main__":
    main()
