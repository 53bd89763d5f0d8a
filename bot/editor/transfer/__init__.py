"""Import and export: the knowledge files, the Excel workbook, import jobs."""
