"""The filter language's lexer and parser: text -> syntax tree, every node remembering where it was written.

    query      := or_expr
    or_expr    := and_expr ("OR" and_expr)*
    and_expr   := unary (["AND"] unary)*          (adjacent terms are ANDed)
    unary      := "NOT" unary | "(" or_expr ")" | term
    term       := STRING                           free text
                | WORD ["[" condition+ "]"] [OP values [UNIT]]   (a lone WORD: free text, or a metric kind)
    condition  := WORD OP values                   (separated by spaces or commas)
    values     := value ("," value)*               value := WORD | STRING
    OP         := = != > >= < <= ~

A WORD without an operator is free text. UNIT is a WORD after a number, read only for fields that take units.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Union

OPERATORS = ("!=", ">=", "<=", "==", "=", ">", "<", "~")
KEYWORDS = {"AND", "OR", "NOT"}
_PUNCTUATION = {"(": "LPAREN", ")": "RPAREN", "[": "LBRACKET", "]": "RBRACKET", ",": "COMMA"}
_STOP = set(" \t\r\n()[],\"'=!<>~")


class QueryError(Exception):
    """A query that cannot be read or run, with the span of the offending text."""

    def __init__(self, message: str, start: int, end: int, hint: str | None = None,
                 code: str = "query-syntax") -> None:
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = max(end, start + 1)
        self.hint = hint
        self.code = code

    def render(self, query: str) -> str:
        """The message, the query, and a caret under the offending text."""
        text = f"error[{self.code}] {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        shown = query if query.strip() else "(empty query)"
        caret = " " * self.start + "^" * (min(self.end, max(len(query), self.start + 1)) - self.start)
        return f"{text}\n  {shown}\n  {caret}"


@dataclass(frozen=True)
class Token:
    kind: str  # WORD STRING OP LPAREN RPAREN LBRACKET RBRACKET COMMA AND OR NOT END
    text: str
    start: int
    end: int


def tokenize(query: str) -> list[Token]:
    tokens: list[Token] = []
    position = 0
    while position < len(query):
        char = query[position]
        if char.isspace():
            position += 1
        elif char in _PUNCTUATION:
            tokens.append(Token(_PUNCTUATION[char], char, position, position + 1))
            position += 1
        elif char in "\"'":
            close = query.find(char, position + 1)
            if close < 0:
                raise QueryError("unterminated quoted text", position, len(query), f"close it with {char}")
            tokens.append(Token("STRING", query[position + 1:close], position, close + 1))
            position = close + 1
        elif char in "=!<>~":
            operator = next((op for op in OPERATORS if query.startswith(op, position)), None)
            if operator is None:
                raise QueryError(f"'{char}' is not an operator", position, position + 1,
                                 "use one of " + " ".join(o for o in OPERATORS if o != "=="))
            tokens.append(Token("OP", "=" if operator == "==" else operator, position, position + len(operator)))
            position += len(operator)
        else:
            start = position
            while position < len(query) and query[position] not in _STOP:
                position += 1
            word = query[start:position]
            kind = word.upper() if word.upper() in KEYWORDS else "WORD"
            tokens.append(Token(kind, word, start, position))
    tokens.append(Token("END", "", len(query), len(query)))
    return tokens


@dataclass(frozen=True)
class Value:
    text: str
    start: int
    end: int
    quoted: bool = False


@dataclass(frozen=True)
class Text:
    """Free text searched in titles and summaries; `bare` when written unquoted (a metric name then names its kind)."""

    text: str
    start: int
    end: int
    bare: bool = False


@dataclass(frozen=True)
class Compare:
    """`field OP values [unit]`, or `field[conditions]` when op is None."""

    field: str
    start: int
    end: int
    op: str | None = None
    op_start: int = 0
    values: tuple[Value, ...] = ()
    unit: Value | None = None
    conditions: tuple[Compare, ...] = ()


@dataclass(frozen=True)
class Not:
    item: Node
    start: int


@dataclass(frozen=True)
class All:
    items: tuple[Node, ...] = field(default=())


@dataclass(frozen=True)
class Any_:
    items: tuple[Node, ...] = field(default=())


Node = Union[Text, Compare, Not, All, Any_]  # noqa: UP007 (a runtime alias; `|` needs 3.10 objects)


def parse(query: str, takes_unit: Callable[[str], bool] = lambda name: False) -> Node:
    """The syntax tree of `query`; an empty query matches everything. Raises QueryError."""
    return _Parser(tokenize(query), takes_unit).parse()


class _Parser:
    def __init__(self, tokens: list[Token], takes_unit: Callable[[str], bool]) -> None:
        self.tokens = tokens
        self.position = 0
        self.takes_unit = takes_unit

    def peek(self, ahead: int = 0) -> Token:
        return self.tokens[min(self.position + ahead, len(self.tokens) - 1)]

    def take(self) -> Token:
        token = self.peek()
        self.position += 1
        return token

    def expect(self, kind: str, what: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            raise self.unexpected(token, what)
        return self.take()

    def unexpected(self, token: Token, wanted: str) -> QueryError:
        found = "the end of the query" if token.kind == "END" else f"'{token.text}'"
        return QueryError(f"expected {wanted}, found {found}", token.start, token.end)

    def parse(self) -> Node:
        if self.peek().kind == "END":
            return All()
        node = self.or_expr()
        token = self.peek()
        if token.kind != "END":
            raise QueryError(f"unexpected '{token.text}'", token.start, token.end,
                             "a ')' without its '('?" if token.kind == "RPAREN" else None)
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek().kind == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Any_(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.peek().kind not in ("OR", "RPAREN", "END"):
            if self.peek().kind == "AND":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else All(tuple(items))

    def unary(self) -> Node:
        token = self.peek()
        if token.kind == "NOT":
            self.take()
            return Not(self.unary(), token.start)
        if token.kind == "LPAREN":
            self.take()
            if self.peek().kind == "RPAREN":
                raise self.unexpected(self.peek(), "a condition inside the parentheses")
            node = self.or_expr()
            if self.peek().kind != "RPAREN":
                raise QueryError("this '(' is never closed", token.start, token.end, "add a ')'")
            self.take()
            return node
        if token.kind == "STRING":
            self.take()
            return Text(token.text, token.start, token.end)
        if token.kind == "WORD":
            return self.term()
        raise self.unexpected(token, "a condition such as memory=reram or free text")

    def term(self) -> Node:
        name = self.take()
        conditions: tuple[Compare, ...] = ()
        if self.peek().kind == "LBRACKET":
            conditions = self.conditions()
        if self.peek().kind != "OP":
            if conditions:
                return Compare(name.text, name.start, name.end, conditions=conditions)
            return Text(name.text, name.start, name.end, bare=True)
        operator = self.take()
        values = self.values(operator)
        unit = None
        if len(values) == 1 and self.takes_unit(name.text) and not values[0].quoted:
            unit = self.unit(values[0])
            if unit is not None and unit.start < values[0].end:  # number and unit written together: 10TOPS/W
                values = (Value(values[0].text[:unit.start - values[0].start], values[0].start, unit.start),)
        return Compare(name.text, name.start, name.end, operator.text, operator.start, values, unit, conditions)

    def conditions(self) -> tuple[Compare, ...]:
        opening = self.take()
        found: list[Compare] = []
        while self.peek().kind != "RBRACKET":
            if self.peek().kind == "COMMA" and found:
                self.take()
            if self.peek().kind == "END":
                raise QueryError("this '[' is never closed", opening.start, opening.end, "add a ']'")
            name = self.expect("WORD", "a condition such as evaluation=silicon")
            if self.peek().kind != "OP":
                raise self.unexpected(self.peek(), f"an operator after '{name.text}' (such as =)")
            operator = self.take()
            found.append(Compare(name.text, name.start, name.end, operator.text, operator.start,
                                 self.values(operator, in_brackets=True)))
        if not found:
            raise self.unexpected(self.peek(), "a condition such as evaluation=silicon")
        self.take()
        return tuple(found)

    def values(self, operator: Token, in_brackets: bool = False) -> tuple[Value, ...]:
        found = [self.value(operator)]
        while self.peek().kind == "COMMA" and self.peek(1).kind in ("WORD", "STRING") and not (
                in_brackets and self.peek(2).kind in ("OP", "LBRACKET")):
            self.take()
            found.append(self.value(operator))
        return tuple(found)

    def value(self, operator: Token) -> Value:
        token = self.peek()
        if token.kind not in ("WORD", "STRING"):
            raise self.unexpected(token, f"a value after '{operator.text}'")
        self.take()
        return Value(token.text, token.start, token.end, token.kind == "STRING")

    def unit(self, value: Value) -> Value | None:
        """The unit of a number: glued to it (10TOPS/W) or the next word (10 TOPS/W)."""
        number = _number_prefix(value.text)
        if number and len(number) < len(value.text):
            return Value(value.text[len(number):], value.start + len(number), value.end)
        token = self.peek()
        if number and token.kind == "WORD" and self.peek(1).kind not in ("OP", "LBRACKET"):
            self.take()
            return Value(token.text, token.start, token.end)
        return None


def _number_prefix(text: str) -> str:
    """The longest start of `text` that is a number ('12.5' of '12.5GOPS/mW'), or ''."""
    for end in range(len(text), 0, -1):
        head = text[:end]
        try:
            float(head)
        except ValueError:
            continue
        if head.lower() in ("inf", "nan", "infinity") or head[-1].lower() == "e" and end < len(text):
            continue
        return head
    return ""
