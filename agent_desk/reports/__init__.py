"""Periodic reports (周报, 月报, 季报) as PDF and Excel, from the statistics service's figures.

Qt-free: content.py gathers the figures, tables.py lays them out as plain tables, and pdf.py
(reportlab) and excel.py (openpyxl) render them; the caller writes the bytes atomically.
"""
