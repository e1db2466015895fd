"""Action plans as spreadsheets: export to .xlsx and CSV, and import from .xlsx.

The export is the import format, so a coordinator can download a plan, change many
activities in Excel or LibreOffice and upload it again; an unchanged file changes nothing.
"""
