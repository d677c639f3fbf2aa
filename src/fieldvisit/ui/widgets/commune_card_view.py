"""The commune card drawn: population, EPCI, PVD, FRR, QPV, gendarmerie, recorded crime.

Only draws what screens/commune_card.py read (rich text in a read-only browser, which
scrolls inside the dialog or page so that both fit a 1366×768 screen). Every value is
escaped: the published files are data, never markup.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QTextBrowser, QWidget

from fieldvisit.screens.commune_card import CommuneCardScreen


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
            parts.append(f"<p><b>{escape(self.tr('Petites Villes de demain town'))}</b></p>")
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
                lines = [f"<b>{escape(unit.name)}</b>"]
                if unit.where:
                    lines[0] += f" — {escape(unit.where)}"
                if unit.address:
                    lines.append(escape(unit.address))
                if unit.phone:
                    lines.append(escape(self.tr("Phone: {0}").format(unit.phone)))
                if unit.hours:
                    lines.append(
                        escape(self.tr("Opening hours: {0}").format(" ; ".join(unit.hours)))
                    )
                parts.append(f"<li>{'<br>'.join(lines)}</li>")
            parts.append("</ul>")
        parts.append(f"<p><b>{escape(self.tr('Recorded crime'))}</b></p>")
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
        rows.append("<table border='1' cellspacing='0' cellpadding='2'><tr><th></th><th></th>")
        rows.extend(f"<th>{year}</th>" for year in card.years)
        rows.append("</tr>")
        commune, departement = escape(self.tr("commune")), escape(self.tr("dép."))
        for row in card.crime:
            label = f"<b>{escape(row.label)}</b><br><small>{escape(row.unit)}</small>"
            rows.append(f"<tr><td rowspan='2'>{label}</td><td>{commune}</td>")
            rows.extend(f"<td align='right'>{escape(cell)}</td>" for cell in row.commune)
            rows.append(f"</tr><tr><td><small>{departement}</small></td>")
            rows.extend(
                f"<td align='right'><small>{escape(cell)}</small></td>" for cell in row.departement
            )
            rows.append("</tr>")
        rows.append("</table>")
        if card.comparison:
            rows.append(f"<p><small>{escape(card.comparison)}</small></p>")
        return "".join(rows)
