"""The dialog that corrects a FIGURE span's reading (``Shift+F``), imported when first opened."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget


def _number(text: str) -> int | float | None:
    """A number typed by people: "3,000,000,000", "3e9", "1.7"; empty is none."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text.strip()!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{text.strip()!r} is not a number")
    return int(value) if value == value.to_integral_value() else float(value)


def _plain(n) -> str:
    return "" if n is None else f"{n:,}" if isinstance(n, int) else repr(n)


UNITS = ("", "USD", "KRW", "EUR", "GBP", "JPY", "CNY", "CHF", "percent")


class FigureDialog(QDialog):
    """Correct a figure's reading: value, upper end of a range, unit, counted noun, qualifier, period."""

    def __init__(self, phrase: str, reading: Mapping[str, Any] | None, parent: QWidget | None = None):
        super().__init__(parent)
        from ..figures.figure import PERIODS, QUALIFIERS

        self.setObjectName("figureDialog")
        self.setWindowTitle("Edit figure reading")
        self.reading = dict(reading or {})
        r = self.reading
        form = QFormLayout(self)
        form.addRow(QLabel(f"“{phrase[:200]}”", self))
        self.value = QLineEdit(_plain(r.get("value")), self)
        self.value.setObjectName("figureValue")
        self.upper = QLineEdit(_plain(r.get("upper")), self)
        self.upper.setObjectName("figureUpper")
        self.upper.setPlaceholderText("top of a range, else empty")
        self.unit = QComboBox(self)
        self.unit.setObjectName("figureUnit")
        self.unit.setEditable(True)  # any ISO 4217 code
        self.unit.addItems(UNITS)
        self.unit.setCurrentText(r.get("unit") or "")
        self.counted = QLineEdit(r.get("counted") or "", self)
        self.counted.setObjectName("figureCounted")
        self.qualifier = QComboBox(self)
        self.qualifier.setObjectName("figureQualifier")
        self.qualifier.addItems(["", *QUALIFIERS])
        self.qualifier.setCurrentText(r.get("qualifier") or "")
        self.period = QComboBox(self)
        self.period.setObjectName("figurePeriod")
        self.period.addItems(["", *PERIODS])
        self.period.setCurrentText(r.get("period") or "")
        for name, widget in (("&Value", self.value), ("&Upper", self.upper), ("U&nit", self.unit),
                             ("&Counted", self.counted), ("&Qualifier", self.qualifier), ("&Period", self.period)):
            form.addRow(name, widget)
        self.problem = QLabel("", self)
        self.problem.setObjectName("figureProblem")
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.result_reading: dict[str, Any] | None = None
        self.value.setFocus()
        self.value.selectAll()

    def corrected(self) -> dict[str, Any]:
        """The reading as the reviewer corrected it (``source: edited``); ValueError says what is wrong."""
        from ..figures import edited

        unit = self.unit.currentText().strip() or None
        return edited(self.reading, value=_number(self.value.text()), upper=_number(self.upper.text()), unit=unit,
                      counted=self.counted.text().strip() or None, qualifier=self.qualifier.currentText() or None,
                      period=self.period.currentText() or None)

    def accept(self) -> None:
        try:
            self.result_reading = self.corrected()
        except ValueError as exc:
            self.problem.setText(str(exc))
            return
        super().accept()
