"""The clinician report: one summary page, then details, as a web page (SVG charts) and a PDF (PNG charts)."""
