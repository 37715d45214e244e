#!/usr/bin/env python3
"""Writes the UI texts (tools/texts.tsv: key, Italian, English) as the app's .resx files.
Edit the TSV, run this, commit both: one table keeps the two languages side by side."""
import os
from xml.sax.saxutils import escape
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows = [l.rstrip('\n').split('\t') for l in open(os.path.join(root, 'tools/texts.tsv'), encoding='utf-8') if l.strip()]
head = '''<?xml version="1.0" encoding="utf-8"?>
<root>
  <resheader name="resmimetype"><value>text/microsoft-resx</value></resheader>
  <resheader name="version"><value>2.0</value></resheader>
  <resheader name="reader"><value>System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
  <resheader name="writer"><value>System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089</value></resheader>
'''
for col, suffix in ((1, ''), (2, '.en')):
    with open(os.path.join(root, f'src/Schedario.Web/Shared/SharedResource{suffix}.resx'), 'w', encoding='utf-8') as f:
        f.write(head)
        for r in sorted(rows):
            f.write(f'  <data name="{escape(r[0])}" xml:space="preserve"><value>{escape(r[col])}</value></data>\n')
        f.write('</root>\n')
