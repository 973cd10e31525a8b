"""A prediction graph for BERT-style classifiers that runs the last layer for one token.

A sequence classifier of the BERT family reads only its first token (``[CLS]`` or ``<s>``)
from the last layer. Every other token's path through that layer (its query, the
attention output, the feed-forward block: 10 of the layer's 12 hidden-size-squared
products) is thrown away. ``ClsTop`` runs the layers below as they are and the last one
for the first token only: its keys and values still come from every token, so the numbers
are the model's own (2.8e-9 in probability on the starter; ``engine.onnx_runtime`` checks
every file against PyTorch on real texts). The exporter drops the unused full last layer
(torch.export's graph keeps only what the output needs).

On the starter (6 layers) that saves 10/12 of one layer's products in six, 14% of the work:
ONNX Runtime ran 1.11-1.12x the texts per second on banking77's short questions
(bench/RESULTS.md, section 11).

Only the architectures whose layers and heads this was written and tested against
(``SUPPORTED``) get it; any other model is exported whole.
"""

from __future__ import annotations

from typing import Any

import torch

#: classifier classes whose base model has BERT's layer (``attention.self.query/key/value``,
#: ``attention.output``, ``intermediate``, ``output``) and whose head reads the first token
SUPPORTED = (
    "BertForSequenceClassification",
    "RobertaForSequenceClassification",
    "XLMRobertaForSequenceClassification",
)


def cls_top(model: Any) -> torch.nn.Module | None:
    """``model`` wrapped to compute its last layer for the first token only, or ``None``
    when it is not one of ``SUPPORTED`` in the form this was written for (absolute
    positions, an encoder, at least one layer)."""
    if type(model).__name__ not in SUPPORTED:
        return None
    base = getattr(model, "base_model", None)
    layers = getattr(getattr(base, "encoder", None), "layer", None)
    config = getattr(model, "config", None)
    if not layers or config is None or getattr(config, "is_decoder", False):
        return None
    attention = getattr(getattr(layers[-1], "attention", None), "self", None)
    if attention is None or not all(
        hasattr(attention, name)
        for name in ("query", "key", "value", "num_attention_heads", "attention_head_size")
    ):
        return None
    if getattr(config, "position_embedding_type", "absolute") not in (None, "absolute"):
        return None  # relative positions enter the attention scores
    if (
        type(model).__name__ == "BertForSequenceClassification"
        and getattr(base, "pooler", None) is None
    ):
        return None
    return ClsTop(model)


class ClsTop(torch.nn.Module):
    """The classifier's logits, with its last layer computed for the first token only
    (see the module's docstring). Takes the tokenizer's outputs by name, as the model does."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model
        self.bert_head = type(model).__name__ == "BertForSequenceClassification"

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> Any:
        from transformers.modeling_outputs import SequenceClassifierOutput

        model = self.model
        base = model.base_model
        extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
        hidden = base(
            input_ids=input_ids,
            attention_mask=attention_mask,
            output_hidden_states=True,
            **extra,
        ).hidden_states[-2]  # the last layer's input
        last = base.encoder.layer[-1]
        attn = last.attention.self
        batch, length = hidden.shape[0], hidden.shape[1]
        heads, size = attn.num_attention_heads, attn.attention_head_size
        first = hidden[:, :1]
        query = attn.query(first).view(batch, 1, heads, size).transpose(1, 2)
        key = attn.key(hidden).view(batch, length, heads, size).transpose(1, 2)
        value = attn.value(hidden).view(batch, length, heads, size).transpose(1, 2)
        scores = torch.matmul(query, key.transpose(-1, -2)) * (size**-0.5)
        padding = 1.0 - attention_mask[:, None, None, :].to(scores.dtype)
        weights = torch.softmax(scores + padding * torch.finfo(scores.dtype).min, dim=-1)
        context = torch.matmul(weights, value).transpose(1, 2).reshape(batch, 1, heads * size)
        attended = last.attention.output(context, first)
        out = last.output(last.intermediate(attended), attended)  # (batch, 1, hidden)
        if self.bert_head:
            logits = model.classifier(model.dropout(base.pooler(out)))
        else:  # RoBERTa's head reads features[:, 0, :] itself
            logits = model.classifier(out)
        return SequenceClassifierOutput(logits=logits)
