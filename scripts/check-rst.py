#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-rst.py FILE...: every reStructuredText file parses without a
warning or error (Sphinx's toctree directive aside: plain docutils does
not know it)."""
import sys

import docutils.core
import docutils.parsers.rst
from docutils.parsers.rst import Directive, directives


class Toctree(Directive):
    has_content = True
    option_spec = {"maxdepth": directives.unchanged}

    def run(self):
        return []


directives.register_directive("toctree", Toctree)
bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        docutils.core.publish_doctree(
            text, source_path=path,
            settings_overrides={"report_level": 2, "halt_level": 2, "warning_stream": sys.stderr})
    except docutils.utils.SystemMessage as e:
        print(f"{path}: {e}")
        bad = 1
sys.exit(bad)
