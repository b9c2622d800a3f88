"""Sphinx configuration of the fuel-plugin-cinder-gcs user guide.

Build it with `make docs`; the HTML lands in .cache/docs/html.
"""

import os
import sys

# The workbook-diagram directive lives next to this file.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                '_ext'))

project = 'Cinder backups in Google Cloud Storage (Fuel plugin)'
copyright = 'fuel-plugin-cinder-gcs developers'
version = '1.0'
release = '1.0.0'

extensions = ['workbook_diagram']
exclude_patterns = ['_ext']

# SVG keeps the task names as text: readable at any zoom, and the tests can
# read the drawn nodes and edges back.
graphviz_output_format = 'svg'

html_theme = 'alabaster'
html_title = 'Cinder GCS backup plugin for Fuel'
html_show_sourcelink = False
