"""Writing rows with PostgreSQL's COPY, for the few places that insert rows by the hundred
thousand (the reminder sweep, the load generator): several times faster than `bulk_create`,
whose per-row, per-field preparation and one giant parameterised INSERT dominate at that size."""

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from django.db import connection, models
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone

ModelT = TypeVar("ModelT", bound=models.Model)

_UNSET = object()
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _array_item(value: object) -> str:
    kind = type(value)
    if kind is str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'  # type: ignore[attr-defined]
    if kind is uuid.UUID:
        return value.hex  # type: ignore[attr-defined]
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return _array_item(str(value))
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | uuid.UUID):
        return str(value)
    raise TypeError(f"Cannot write a {type(value).__name__} in an array.")


def array_literal(values: Iterable[object]) -> str:
    """Values as one PostgreSQL array in its text form, `{...}`: a column of a thousand values passed
    as one parameter (cast in the statement, `%s::uuid[]`) costs a third of what psycopg takes to
    turn a Python list into an array, item by item in Python (docs/performance.md, change 17)."""
    return "{" + ",".join(map(_array_item, values)) + "}"


def copy_text(value: object) -> str:
    """One value in COPY's text format."""
    # The types the sweep writes by the hundred thousand first, by exact type; then the rest.
    kind = type(value)
    if kind is str:
        return value.translate(_COPY_ESCAPES)  # type: ignore[attr-defined]
    if kind is uuid.UUID:
        return value.hex  # type: ignore[attr-defined]  # PostgreSQL reads the 32 digits alone too
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return array_literal(value).translate(_COPY_ESCAPES)
    if isinstance(value, dict):
        return json.dumps(value, separators=(", ", ": ")).translate(_COPY_ESCAPES)
    raise TypeError(f"Cannot COPY a {type(value).__name__}.")


class RowMaker(Generic[ModelT]):
    """Unsaved instances of one model for `copy_insert`, built without Django's constructor: the
    sweep builds them by the ten thousand a batch, and the constructor (a default looked up, a
    descriptor called and two signals sent for every field of every row) was a third of its Python
    time (docs/performance.md, change 14). An instance comes out as the constructor would make it
    from the same field values, given by attname (`case_id`, not `case`); a field not given gets
    its default, a callable default called for each row. `loaded` builds instances as read from
    the database instead. Only for models with no `pre_init` or `post_init` receivers, whose
    constructor does nothing else; checked when the maker is made."""

    def __init__(self, model: type[ModelT]) -> None:
        if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
            raise TypeError(f"{model.__name__} has init signal receivers; build it with its constructor.")
        self.model = model
        fields = model._meta.concrete_fields
        self._attnames = frozenset(model_field.attname for model_field in fields)
        self._constant: dict[str, Any] = {}
        self._called: list[tuple[str, Callable[[], Any]]] = []
        for model_field in fields:
            if model_field.has_default() and callable(model_field.default):
                self._called.append((model_field.attname, model_field.default))
            else:
                self._constant[model_field.attname] = model_field.get_default()

    def __call__(self, **values: Any) -> ModelT:
        if not self._attnames.issuperset(values):
            unknown = ", ".join(sorted(set(values) - self._attnames))
            raise TypeError(f"{self.model.__name__} has no field {unknown}.")
        instance = self.model.__new__(self.model)
        state = instance.__dict__
        state["_state"] = ModelState()
        state.update(self._constant)
        for attname, default in self._called:
            if attname not in values:
                state[attname] = default()
        state.update(values)
        return instance

    def loaded(self, attnames: Sequence[str], *, using: str) -> Callable[[Sequence[Any]], ModelT]:
        """A function that builds, from the values of `attnames` in a row read from database `using`,
        the instance a query reading only those fields gives (`.only()`): saved, its other fields
        read from the database on first use. Without `from_db`, which walks every field of the model
        for each row: the sweep reads five hundred tasks, their cases and assignees a batch
        (docs/performance.md, change 17)."""
        if not self._attnames.issuperset(attnames):
            unknown = ", ".join(sorted(set(attnames) - self._attnames))
            raise TypeError(f"{self.model.__name__} has no field {unknown}.")
        model = self.model

        def build(values: Sequence[Any]) -> ModelT:
            instance = model.__new__(model)
            state = ModelState()
            state.adding = False
            state.db = using
            instance.__dict__["_state"] = state
            instance.__dict__.update(zip(attnames, values, strict=True))
            return instance

        return build


_ROW_MAKERS: dict[type[models.Model], RowMaker[Any]] = {}


def row_maker(model: type[ModelT]) -> RowMaker[ModelT]:
    """The model's `RowMaker`, made on first use (after every app has connected its signals)."""
    maker = _ROW_MAKERS.get(model)
    if maker is None:
        maker = _ROW_MAKERS[model] = RowMaker(model)
    return maker


def copy_insert(instances: Sequence[models.Model]) -> None:
    """Insert new instances of one model, as `bulk_create` would, with one COPY. Primary keys must
    be set already (the UUIDs Bridge uses are); constraints are checked by the database as for any
    insert. `auto_now` and `auto_now_add` fields get one timestamp for the whole batch, set on the
    instances too; every other value is written as the instance holds it."""
    if not instances:
        return
    model = type(instances[0])
    fields = model._meta.concrete_fields
    now = timezone.now()
    stamped = [
        model_field.attname
        for model_field in fields
        if isinstance(model_field, models.DateField) and (model_field.auto_now or model_field.auto_now_add)
    ]
    for instance in instances:
        for attname in stamped:
            setattr(instance, attname, now)
    attnames = [model_field.attname for model_field in fields]
    # Rows written together repeat most values (one notice's case, message and email body for
    # each recipient; the batch's timestamp; the same empty values), as the very same objects:
    # a column reuses its last text while the value is the same object.
    last_values: list[object] = [_UNSET] * len(attnames)
    last_texts = [""] * len(attnames)
    lines = []
    for instance in instances:
        values = instance.__dict__
        for index, attname in enumerate(attnames):
            value = values[attname]
            if value is not last_values[index]:
                last_values[index] = value
                last_texts[index] = copy_text(value)
        lines.append("\t".join(last_texts) + "\n")
    columns = ", ".join(f'"{model_field.column}"' for model_field in fields)
    statement = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write("".join(lines))
