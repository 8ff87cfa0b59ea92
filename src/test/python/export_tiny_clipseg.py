#!/usr/bin/python3
"""Writes the test fixtures of the `onnx` model kind: a tiny model with CLIPSeg's ONNX signature.

    /usr/bin/python3 src/test/python/export_tiny_clipseg.py OUT_DIR    # Debian python3-torch 1.13

The build runs it before the tests (exec-maven-plugin, phase process-test-resources) with OUT_DIR
target/test-classes/onnx, so the fixtures are made, not committed.

Signature (the one Hugging Face's CLIPSeg export has): pixel_values float [B,3,352,352], input_ids int64 [B,T],
attention_mask int64 [B,T] -> logits float [B,352,352]. Batch and sequence axes are dynamic.

What it computes, so tests can know the right mask: every word has a weight (bright/white/light +4, dark/black -4,
others 0); the instruction's weight w is the mean over its real tokens (attention_mask 1). The image's normalised
channel mean g is averaged over 8x8 cells and repeated back to 352x352, and logits = 5 * w * g - 1. So "the bright
part" selects the light pixels of an image, "the dark part" the dark ones, and an instruction with neither word
selects nothing: the mask follows both the image (position, normalisation) and the text (tokenizer, mask).

Writes into OUT_DIR:
  tiny-clipseg/model.onnx, tokenizer.json, config.json   a complete model folder of kind onnx
  tiny-clipseg-176.onnx                                  the same with logits [B,176,176] (a mismatched output)
The output is deterministic (no random weights).
"""
import json
import os
import string
import sys

import torch

SIZE = 352
CELL = 8
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
WORDS = ["the", "a", "an", "of", "on", "in", "to", "and", "part", "parts", "side", "make", "remove", "change",
         "add", "paint", "it", "area", "bright", "white", "light", "dark", "black"]
WEIGHTS = {"bright": 4.0, "white": 4.0, "light": 4.0, "dark": -4.0, "black": -4.0}
# Letters and continuation letters: any lower-case word still becomes pieces instead of [UNK].
VOCAB = SPECIAL + WORDS + list(string.ascii_lowercase) + ["##" + c for c in string.ascii_lowercase]
MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]


class TinyClipSeg(torch.nn.Module):
    def __init__(self, upsample):
        super().__init__()
        self.words = torch.nn.Embedding(len(VOCAB), 1)
        with torch.no_grad():
            self.words.weight.zero_()
            for word, weight in WEIGHTS.items():
                self.words.weight[VOCAB.index(word), 0] = weight
        self.pool = torch.nn.AvgPool2d(CELL)
        self.upsample = torch.nn.Upsample(scale_factor=upsample, mode="nearest")

    def forward(self, pixel_values, input_ids, attention_mask):
        mask = attention_mask.to(torch.float32)                              # [B, T]
        w = (self.words(input_ids).squeeze(-1) * mask).sum(1) / mask.sum(1).clamp(min=1.0)  # [B]
        g = self.upsample(self.pool(pixel_values.mean(1, keepdim=True)))     # [B, 1, S, S]
        return 5.0 * w[:, None, None] * g.squeeze(1) - 1.0                   # [B, S, S]


def tokenizer_json():
    """A BERT-style WordPiece tokenizer.json (the format of Hugging Face tokenizers) over VOCAB."""
    special = [{"id": VOCAB.index(t), "content": t, "single_word": False, "lstrip": False, "rstrip": False,
                "normalized": False, "special": True} for t in SPECIAL]
    template = [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": "[SEP]", "type_id": 0}}]
    return {
        "version": "1.0", "truncation": None, "padding": None, "added_tokens": special,
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {"type": "TemplateProcessing", "single": template,
                           "pair": template + [{"Sequence": {"id": "B", "type_id": 1}},
                                               {"SpecialToken": {"id": "[SEP]", "type_id": 1}}],
                           "special_tokens": {t: {"id": t, "ids": [VOCAB.index(t)], "tokens": [t]}
                                              for t in ("[CLS]", "[SEP]")}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": {t: i for i, t in enumerate(VOCAB)}},
    }


def export(upsample, path):
    model = TinyClipSeg(upsample).eval()
    pixels = torch.zeros(2, 3, SIZE, SIZE)
    ids = torch.tensor([[2, 5, 3], [2, 6, 3]], dtype=torch.int64)
    torch.onnx.export(model, (pixels, ids, torch.ones_like(ids)), path, opset_version=14,
                      input_names=["pixel_values", "input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"pixel_values": {0: "batch"}, "input_ids": {0: "batch", 1: "sequence"},
                                    "attention_mask": {0: "batch", 1: "sequence"}, "logits": {0: "batch"}})


def main(out):
    folder = os.path.join(out, "tiny-clipseg")
    os.makedirs(folder, exist_ok=True)
    export(CELL, os.path.join(folder, "model.onnx"))
    export(CELL // 2, os.path.join(out, "tiny-clipseg-176.onnx"))
    with open(os.path.join(folder, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f, indent=1)
        f.write("\n")
    config = {"kind": "onnx", "model": "model.onnx", "tokenizer": "tokenizer.json", "imageSize": SIZE,
              "mean": MEAN, "std": STD, "maxTokens": 77, "threshold": 0.5,
              "inputs": {"pixels": "pixel_values", "inputIds": "input_ids", "attentionMask": "attention_mask"},
              "output": "logits"}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: export_tiny_clipseg.py OUT_DIR (the build passes target/test-classes/onnx)")
    main(sys.argv[1])
