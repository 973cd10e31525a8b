"""A prediction graph for BERT-style classifiers that runs the last layer for one token.

A sequence classifier of the BERT family reads only its first token (``[CLS]`` or ``<s>``)
from the last layer. Every other token's path through that layer (its query, the
attention output, the feed-forward block: 10 of the layer's 12 hidden-size-squared
products) is thrown away. ``ClsTop`` runs the layers below as they are and the last one
for the first token only. The first token still attends to every token, but without a key
and a value for each: its query is multiplied with the key weights once, then with each
token's hidden state, and the attention-weighted hidden states are multiplied with the
value weights once (the same sums in another order). So the numbers are the model's own
(2.8e-9 in probability on the starter; ``engine.onnx_runtime`` checks every file against
PyTorch on real texts). The exporter drops the unused full last layer (torch.export's
graph keeps only what the output needs).

On the starter (6 layers) the first token alone saves 10/12 of one layer's products in
six, 14% of the work: ONNX Runtime ran 1.11-1.12x the texts per second on banking77's
short questions; leaving out the last layer's keys and values saves the other 2/12 (3%),
1.02-1.03x (bench/RESULTS.md, section 11).

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
    linear = torch.nn.Linear
    if not (isinstance(attention.key, linear) and isinstance(attention.value, linear)):
        return None  # their weights are read directly (``ClsTop.first_token_context``)
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
        first = hidden[:, :1]
        context = self.first_token_context(last.attention.self, hidden, attention_mask)
        attended = last.attention.output(context, first)
        out = last.output(last.intermediate(attended), attended)  # (batch, 1, hidden)
        if self.bert_head:
            logits = model.classifier(model.dropout(base.pooler(out)))
        else:  # RoBERTa's head reads features[:, 0, :] itself
            logits = model.classifier(out)
        return SequenceClassifierOutput(logits=logits)

    @staticmethod
    def first_token_context(
        attn: Any, hidden: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        """The last layer's attention output (before its output projection) for the first
        token of ``hidden`` (batch, tokens, hidden size): (batch, 1, heads x head size)."""
        batch = hidden.shape[0]
        heads, size = attn.num_attention_heads, attn.attention_head_size
        # the first token's query, scaled as the model scales its scores: (batch, heads, 1, size)
        query = (attn.query(hidden[:, :1]) * size**-0.5).view(batch, 1, heads, size)
        query = query.transpose(1, 2)
        # Its scores against every token's key, q . (W_k h + b_k), as (q W_k) . h: one product
        # with the key weights per head instead of a key for every token. q . b_k is the same
        # for every token, and a softmax does not change when all its inputs move together.
        key_weight = attn.key.weight.view(heads, size, -1)  # (heads, size, hidden)
        states = hidden[:, None]  # (batch, 1, tokens, hidden)
        scores = torch.matmul(torch.matmul(query, key_weight), states.transpose(-1, -2))
        padding = 1.0 - attention_mask[:, None, None, :].to(scores.dtype)
        weights = torch.softmax(scores + padding * torch.finfo(scores.dtype).min, dim=-1)
        # The weighted values, sum_t w_t (W_v h_t + b_v), as W_v (sum_t w_t h_t) + b_v (the
        # weights sum to one): the value weights applied once per head, not once per token.
        value_weight = attn.value.weight.view(heads, size, -1)
        mixed = torch.matmul(weights, states)  # (batch, heads, 1, hidden)
        context = torch.matmul(mixed, value_weight.transpose(-1, -2))
        if attn.value.bias is not None:
            context = context + attn.value.bias.view(heads, 1, size)
        return context.transpose(1, 2).reshape(batch, 1, heads * size)
