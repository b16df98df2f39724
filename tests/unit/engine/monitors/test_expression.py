from __future__ import annotations

import pytest

from connectedcar.engine.monitors.expression import (
    And,
    ExpressionError,
    Not,
    Or,
    Var,
    check_expression,
    constant_value,
    evaluate_expression,
    parse_expression,
)

NAMES = frozenset({"a", "b", "c", "outOfParis", "batteryIsLow", "onMonday"})


def _shape(expr: object) -> str:
    if isinstance(expr, Var):
        return expr.name
    if isinstance(expr, Not):
        return f"!{_shape(expr.operand)}"
    if isinstance(expr, And):
        return f"({_shape(expr.left)}&{_shape(expr.right)})"
    assert isinstance(expr, Or)
    return f"({_shape(expr.left)}|{_shape(expr.right)})"


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("a | b & c", "(a|(b&c))"),
        ("a & b | c", "((a&b)|c)"),
        ("!a & b", "(!a&b)"),
        ("!(a | b)", "!(a|b)"),
        ("a & b & c", "((a&b)&c)"),
        ("!!a", "!!a"),
        ("(outOfParis & (batteryIsLow | onMonday))", "(outOfParis&(batteryIsLow|onMonday))"),
    ],
)
def test_precedence(text: str, shape: str) -> None:
    assert _shape(parse_expression(text)) == shape


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("((outOfParis & (batteryIsLow | onMonday)", 0, "unbalanced parentheses: '(' is never closed"),
        ("a & b)", 5, "unbalanced parentheses: ')' has no matching '('"),
        (")a", 0, "unbalanced parentheses"),
        ("a &", 3, "empty operand after '&'"),
        ("a & | b", 4, "empty operand after '&'"),
        ("(a | )", 5, "empty operand after '|'"),
        ("()", 0, "empty parentheses"),
        ("", 0, "empty expression"),
        ("a b", 2, "missing operator"),
        ("a # b", 2, "unexpected character '#'"),
        ("a & zz", 4, "unknown trigger name 'zz'"),
    ],
)
def test_errors_name_position_and_reason(text: str, position: int, reason: str) -> None:
    with pytest.raises(ExpressionError) as caught:
        check_expression(text, NAMES)
    assert caught.value.position == position
    assert reason in caught.value.reason
    assert f"at position {position}" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "constant"),
    [("a | !a", True), ("a & !a", False), ("(a | b) | !(a | b)", True), ("a & b", None), ("!a", None)],
)
def test_constant_expressions(text: str, constant: bool | None) -> None:
    assert constant_value(parse_expression(text)) is constant


@pytest.mark.parametrize(("text", "word"), [("a | !a", "always true"), ("a & !a & b", "always false")])
def test_constant_expressions_refused(text: str, word: str) -> None:
    with pytest.raises(ExpressionError, match=word):
        check_expression(text, NAMES)


@pytest.mark.parametrize(
    ("values", "expected"),
    [({"a": True}, True), ({"b": True, "c": True}, True), ({"b": True}, False), ({}, False)],
)
def test_evaluation(values: dict[str, bool], expected: bool) -> None:
    assert evaluate_expression(parse_expression("a | b & c"), values) is expected
