"""The first-token prediction graph gives the classifier's own logits, for each
architecture it claims, and declines every other model."""

from __future__ import annotations

import pytest
import torch
from transformers import (
    BertConfig,
    BertForSequenceClassification,
    BertForTokenClassification,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    RobertaConfig,
    RobertaForSequenceClassification,
    XLMRobertaConfig,
    XLMRobertaForSequenceClassification,
)

from engine.onnx_cls import ClsTop, cls_top

SIZES = {
    "hidden_size": 32,
    "num_hidden_layers": 3,
    "num_attention_heads": 4,
    "intermediate_size": 64,
    "vocab_size": 120,
    "max_position_embeddings": 64,
}


def padded_batch(pad_id: int) -> dict[str, torch.Tensor]:
    """Three rows of 3, 9 and 12 tokens: the short ones padded on the right."""
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(5, 100, (3, 12), generator=generator)
    mask = torch.ones_like(ids)
    for row, length in enumerate((3, 9, 12)):
        ids[row, length:] = pad_id
        mask[row, length:] = 0
    return {"input_ids": ids, "attention_mask": mask}


@pytest.mark.parametrize(
    ("config_class", "model_class"),
    [
        (BertConfig, BertForSequenceClassification),
        (RobertaConfig, RobertaForSequenceClassification),
        (XLMRobertaConfig, XLMRobertaForSequenceClassification),
    ],
)
def test_the_first_token_graph_gives_the_models_logits(config_class, model_class) -> None:
    torch.manual_seed(0)
    config = config_class(**SIZES, num_labels=5, pad_token_id=1)
    model = model_class(config).eval()
    top = cls_top(model)
    assert isinstance(top, ClsTop)
    batch = padded_batch(pad_id=1)
    if config_class is BertConfig:
        batch["token_type_ids"] = torch.zeros_like(batch["input_ids"])
    with torch.inference_mode():
        want = model(**batch).logits
        got = top(**batch).logits
    assert got.shape == (3, 5)
    assert torch.allclose(got, want, atol=1e-5), float((got - want).abs().max())
    # a padded row's logits do not depend on what sits in its padding
    batch["input_ids"][0, 3:] = 7
    with torch.inference_mode():
        assert torch.allclose(top(**batch).logits[0], got[0], atol=1e-5)


def test_a_one_layer_model_works_too() -> None:
    torch.manual_seed(0)
    model = BertForSequenceClassification(BertConfig(**{**SIZES, "num_hidden_layers": 1})).eval()
    batch = padded_batch(pad_id=0)
    with torch.inference_mode():
        assert torch.allclose(cls_top(model)(**batch).logits, model(**batch).logits, atol=1e-5)


def test_other_models_are_declined() -> None:
    distil = DistilBertForSequenceClassification(
        DistilBertConfig(vocab_size=120, dim=32, n_layers=2, n_heads=4, hidden_dim=64)
    )
    tokens = BertForTokenClassification(BertConfig(**SIZES))
    assert cls_top(distil) is None  # another layer layout
    assert cls_top(tokens) is None  # every token's output is used


def test_the_last_layers_keys_and_values_are_read_from_their_weights() -> None:
    torch.manual_seed(0)
    model = BertForSequenceClassification(BertConfig(**SIZES, num_labels=3)).eval()
    attention = model.bert.encoder.layer[-1].attention.self
    batch = padded_batch(pad_id=0)
    with torch.no_grad():
        attention.key.bias.normal_()  # a key bias moves every score alike: no effect
        attention.value.bias.normal_()
        assert torch.allclose(cls_top(model)(**batch).logits, model(**batch).logits, atol=1e-5)
        attention.value.bias = None  # a value without a bias
        assert torch.allclose(cls_top(model)(**batch).logits, model(**batch).logits, atol=1e-5)
    # keys or values that are not plain linear layers (adapters, quantized layers): declined
    attention.key = torch.nn.Sequential(attention.key)
    assert cls_top(model) is None
