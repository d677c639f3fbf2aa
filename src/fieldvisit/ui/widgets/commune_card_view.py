"""The commune card drawn: population, EPCI, PVD, FRR, QPV, gendarmerie, recorded crime.

Only draws what screens/commune_card.py read (rich text in a read-only browser, which
scrolls inside the dialog or page so that both fit a 1366×768 screen). Every value is
escaped: the published files are data, never markup.
"""

from __future__ import annotations

import re
from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from fieldvisit.screens.commune_card import CommuneCardScreen

# The crime table takes the card's whole width less this much: a table of width 100 %
# with borders comes out 1 px wider than the page at some widths (Qt rounds the
# percentage, then adds the border), which showed a horizontal scrollbar at 1366×768.
TABLE_WIDTH = "98%"
_NUMBER_SPACE = re.compile(r"(?<=\d) (?=\d{3}\b|‰)")


def cell_html(text: str) -> str:
    """A cell's text that may wrap between the count and its rate (« 113 » / « (17,7 ‰) »)
    when the card is narrow, never inside a number or before its ‰."""
    return _NUMBER_SPACE.sub("&nbsp;", escape(text))


class CommuneCardView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("communeCard")
        self.setAccessibleName(self.tr("Commune card"))
        self.setOpenLinks(False)
        self.setReadOnly(True)
        self.card: CommuneCardScreen | None = None
        self.show_message(self.tr("Choose a commune to see its card."))

    def show_message(self, text: str) -> None:
        self.card = None
        self.setHtml(f"<p><i>{escape(text)}</i></p>")

    def show_card(self, card: CommuneCardScreen) -> None:
        self.card = card
        self.setHtml(self.card_html(card))

    def card_html(self, card: CommuneCardScreen) -> str:
        parts = [f"<h3>{escape(card.title)}</h3>"]
        if card.pvd:
            pvd_town = self.tr("Petites Villes de demain town")
            parts.append(f"<p><b>{escape(pvd_town)}</b></p>")
        if card.how_to_import:
            parts.append(f"<p><b>{escape(card.how_to_import)}</b></p>")
        parts.append("<table cellspacing='0' cellpadding='2'>")
        for fact in card.facts:
            parts.append(
                f"<tr><td valign='top'><b>{escape(fact.label)}</b></td>"
                f"<td>{escape(fact.value)}</td></tr>"
            )
        parts.append("</table>")
        parts.append(f"<p><b>{escape(card.gendarmerie)}</b></p>")
        if card.units:
            parts.append("<ul>")
            for unit in card.units:
                title = f"<b>{escape(unit.name)}</b>"
                if unit.where and unit.where not in unit.name:
                    title += f" — {escape(unit.where)}"
                contact = [escape(part) for part in (unit.address,) if part]
                if unit.phone:
                    contact.append(escape(self.tr("Phone: {0}").format(unit.phone)))
                lines = [title]
                if contact:
                    lines.append(" · ".join(contact))
                if unit.hours:
                    hours = self.tr("Opening hours: {0}").format(" ; ".join(unit.hours))
                    lines.append(f"<small>{escape(hours)}</small>")
                parts.append(f"<li>{'<br>'.join(lines)}</li>")
            parts.append("</ul>")
        crime_title = self.tr("Recorded crime")
        parts.append(f"<p><a name='crime'></a><b>{escape(crime_title)}</b></p>")
        if not card.crime:
            parts.append(f"<p>{escape(card.crime_missing or '')}</p>")
        else:
            parts.append(self._crime_table(card))
        for note in card.notes:
            parts.append(f"<p><small>{escape(note)}</small></p>")
        return "".join(parts)

    def _crime_table(self, card: CommuneCardScreen) -> str:
        source, basis = escape(card.crime_source or ""), escape(card.crime_basis or "")
        rows = [f"<p><small>{source}<br>{basis}</small></p>"]
        rows.append(
            f"<table border='1' cellspacing='0' cellpadding='2' width='{TABLE_WIDTH}'><tr><th></th>"
        )
        rows.extend(f"<th>{year}</th>" for year in card.years)
        rows.append("</tr>")
        commune, departement = escape(self.tr("commune")), escape(self.tr("dép."))
        span = len(card.years) + 1
        for row in card.crime:
            rows.append(
                f"<tr><td colspan='{span}' bgcolor='#eef1f8'><b>{escape(row.label)}</b> "
                f"<small>({escape(row.unit)})</small></td></tr>"
            )
            rows.append(f"<tr><td>{commune}</td>")
            rows.extend(f"<td align='right'>{cell_html(cell)}</td>" for cell in row.commune)
            rows.append(f"</tr><tr><td><small>{departement}</small></td>")
            rows.extend(
                f"<td align='right'><small>{cell_html(cell)}</small></td>"
                for cell in row.departement
            )
            rows.append("</tr>")
        rows.append("</table>")
        if card.comparison:
            rows.append(f"<p><small>{escape(card.comparison)}</small></p>")
        return "".join(rows)
