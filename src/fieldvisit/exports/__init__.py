"""Exports for the programme's partners: the visits as a workbook or CSV files
(workbook.py, from the tables of tables.py) and the planned visits as a calendar
(calendar.py). The Word report is report/word.py: it draws the report model.

Qt-free, like services/ and report/: the CLI and the app's worker thread call the
same functions.
"""
