"""Sphinx directive ``workbook-diagram``: a workbook's workflow as a graph.

Usage, with the path relative to the document like ``literalinclude``::

    .. workbook-diagram:: ../examples/mistral_workbook.yaml
       :workflow: create_backups_workflow
       :caption: The backup workflow

The Graphviz source is made from the YAML at every build (see
workbook_graph.py), and the page is rebuilt whenever the workbook changes.
The other options are those of Sphinx's ``graphviz`` directive.
"""

import yaml
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.ext.graphviz import Graphviz

import workbook_graph


class WorkbookDiagram(Graphviz):
    has_content = False
    required_arguments = 1
    optional_arguments = 0
    option_spec = dict(Graphviz.option_spec,
                       workflow=directives.unchanged_required)

    def run(self):
        if 'workflow' not in self.options:
            raise self.error('workbook-diagram needs a :workflow: option')
        relative, path = self.env.relfn2path(self.arguments[0])
        self.env.note_dependency(relative)
        try:
            dot = workbook_graph.workflow_dot(path, self.options['workflow'])
        except (OSError, yaml.YAMLError, workbook_graph.WorkbookError) as e:
            raise self.error('cannot draw {}: {}'.format(relative, e))
        self.options.setdefault(
            'alt', 'Tasks and transitions of {}'.format(
                self.options['workflow']))
        # Hand the generated source to the graphviz directive as if it
        # had been written inline.
        self.arguments = []
        self.content = StringList(dot.splitlines(), source=relative)
        return super().run()


def setup(app):
    app.setup_extension('sphinx.ext.graphviz')
    app.add_directive('workbook-diagram', WorkbookDiagram)
    return {'parallel_read_safe': True, 'parallel_write_safe': True}
