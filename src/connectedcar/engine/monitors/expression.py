"""The boolean expression over trigger names (boolExp): `&`, `|`, `!` and parentheses.

Precedence, tightest first: `!`, `&`, `|`; `&` and `|` associate to the left. Positions in errors are
0-based character offsets into the expression text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import product

MAX_VARIABLES = 5  # the spec's limit on triggers, so a truth table has at most 32 rows


class ExpressionError(ValueError):
    """A boolExp the platform refuses: where it goes wrong, and why."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"{reason} at position {position}")
        self.position = position
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Var:
    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Or:
    left: Expr
    right: Expr


Expr = Var | Not | And | Or

_OPERATORS = "&|!()"


def _is_name_char(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "._")


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # one of _OPERATORS, "name" or "end"
    text: str
    position: int


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c in _OPERATORS:
            out.append(_Token(c, c, i))
            i += 1
        elif c.isascii() and c.isalpha():
            j = i
            while j < len(text) and _is_name_char(text[j]):
                j += 1
            out.append(_Token("name", text[i:j], i))
            i = j
        else:
            raise ExpressionError(i, f"unexpected character {c!r}")
    out.append(_Token("end", "", len(text)))
    return out


def _describe(token: _Token) -> str:
    return "the end of the expression" if token.kind == "end" else repr(token.text)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0
        self.open: list[int] = []  # positions of the '(' not yet closed

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Expr:
        if self.peek().kind == "end":
            raise ExpressionError(0, "empty expression")
        expr = self.disjunction()
        token = self.peek()
        if token.kind == ")":
            raise ExpressionError(token.position, "unbalanced parentheses: ')' has no matching '('")
        if token.kind != "end":
            raise ExpressionError(token.position, f"missing operator ('&' or '|') before {_describe(token)}")
        return expr

    def disjunction(self) -> Expr:
        expr = self.conjunction()
        while self.peek().kind == "|":
            self.take()
            expr = Or(expr, self.conjunction())
        return expr

    def conjunction(self) -> Expr:
        expr = self.negation()
        while self.peek().kind == "&":
            self.take()
            expr = And(expr, self.negation())
        return expr

    def negation(self) -> Expr:
        if self.peek().kind == "!":
            self.take()
            return Not(self.negation())
        return self.atom()

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "name":
            return Var(token.text, token.position)
        if token.kind == "(":
            if self.peek().kind == ")":
                raise ExpressionError(token.position, "empty parentheses")
            self.open.append(token.position)
            expr = self.disjunction()
            closing = self.peek()
            if closing.kind != ")":
                if closing.kind == "end":
                    raise ExpressionError(self.open[0], "unbalanced parentheses: '(' is never closed")
                raise ExpressionError(closing.position, f"missing operator ('&' or '|') before {_describe(closing)}")
            self.take()
            self.open.pop()
            return expr
        previous = self.tokens[self.i - 2] if self.i >= 2 else None
        if token.kind == ")" and not self.open and (previous is None or previous.kind not in "&|!("):
            raise ExpressionError(token.position, "unbalanced parentheses: ')' has no matching '('")
        after = f" after {previous.text!r}" if previous is not None else ""
        raise ExpressionError(token.position, f"empty operand{after}: expected a trigger name, '!' or '('")


def parse_expression(text: str) -> Expr:
    """The AST of a boolExp; raises ExpressionError naming the position and the reason."""
    return _Parser(text).parse()


def variables(expr: Expr) -> Iterator[Var]:
    """Every occurrence of a trigger name, left to right."""
    if isinstance(expr, Var):
        yield expr
    elif isinstance(expr, Not):
        yield from variables(expr.operand)
    else:
        yield from variables(expr.left)
        yield from variables(expr.right)


def evaluate_expression(expr: Expr, values: Mapping[str, bool]) -> bool:
    """The value of the expression; a name missing from values is false."""
    if isinstance(expr, Var):
        return values.get(expr.name, False)
    if isinstance(expr, Not):
        return not evaluate_expression(expr.operand, values)
    if isinstance(expr, And):
        return evaluate_expression(expr.left, values) and evaluate_expression(expr.right, values)
    return evaluate_expression(expr.left, values) or evaluate_expression(expr.right, values)


def constant_value(expr: Expr) -> bool | None:
    """True or False if the expression has that value whatever its triggers, None if it depends on them."""
    names = sorted({v.name for v in variables(expr)})
    if len(names) > MAX_VARIABLES:
        raise ExpressionError(0, f"more than {MAX_VARIABLES} trigger names")
    seen: set[bool] = set()
    for row in product((False, True), repeat=len(names)):
        seen.add(evaluate_expression(expr, dict(zip(names, row, strict=True))))
        if len(seen) == 2:
            return None
    return seen.pop()


def check_expression(text: str, names: set[str] | frozenset[str]) -> Expr:
    """Parse a boolExp over the given trigger names, refusing unknown names and constant expressions."""
    expr = parse_expression(text)
    for var in variables(expr):
        if var.name not in names:
            raise ExpressionError(var.position, f"unknown trigger name {var.name!r}")
    constant = constant_value(expr)
    if constant is not None:
        kind = "true" if constant else "false"
        raise ExpressionError(0, f"the expression is always {kind}, whatever its triggers (the spec forbids it)")
    return expr
