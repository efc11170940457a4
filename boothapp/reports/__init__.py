"""Lead exports (CSV, XLSX) and PDF reports, built from ``boothapp.core.models`` values.

columns      column catalogue, QuestionColumn, ColumnChoice (saved per event)
safety       spreadsheet formula neutralisation (the rule is documented there)
csv_export   export_csv;  xlsx_export: export_xlsx (via xlsx_writer)
stats        build_report_data -> ReportData
pdf_report   write_report_pdf;  lead_sheet: write_lead_sheet
"""
