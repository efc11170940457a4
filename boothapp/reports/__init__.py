"""Lead exports (CSV, XLSX) and PDF reports."""
