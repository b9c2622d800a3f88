"""The module's Ruby as Fuel 9 nodes run it: Puppet 3.8 on Ruby 1.9.3.

No Ruby 1.9 runs here. What can be checked without it is checked: every
.rb of the module parses with Ruby 1.9's grammar (Debian's
ruby-whitequark-parser, Parser::Ruby19), and calls no method that Ruby's
core or standard library gained after 1.9.3 (NEWER_METHODS: those a Puppet
function is likely to reach for). That a call's receiver has the method on
1.9.3 is read, not run.
"""

import json
import subprocess

import pytest

from support.project import REPO

MODULE = REPO / 'deployment_scripts' / 'puppet' / 'modules' / 'cinder_gcs'

# Method, the Ruby release that brought it.
NEWER_METHODS = {
    '__dir__': '2.0', 'bsearch': '2.0', 'lazy': '2.0', 'to_h': '2.0/2.1', 'b': '2.0',
    'caller_locations': '2.0', 'prepend': '2.0', 'scrub': '2.1', 'itself': '2.2',
    'unicode_normalize': '2.2', 'dig': '2.3', 'grep_v': '2.3', 'sum': '2.4',
    'match?': '2.4', 'transform_values': '2.4', 'compact': '2.4 (Hash)', 'digits': '2.4',
    'clamp': '2.4', 'casecmp?': '2.4', 'transform_keys': '2.5', 'delete_prefix': '2.5',
    'delete_suffix': '2.5', 'yield_self': '2.5', 'slice': '2.5 (Hash)', 'append': '2.5',
    'then': '2.6', 'filter': '2.6', 'union': '2.6', 'difference': '2.6', 'chain': '2.6',
    'filter_map': '2.7', 'tally': '2.7', 'except': '3.0', 'intersect?': '3.1',
}

CHECKER = """
require 'json'
require 'parser/ruby19'

newer = JSON.parse(ARGV[0])
found = {}
ARGV[1..-1].each do |path|
  problems = found[path] = []
  parser = Parser::Ruby19.new
  parser.diagnostics.all_errors_are_fatal = true
  parser.diagnostics.ignore_warnings = true
  begin
    ast = parser.parse(Parser::Source::Buffer.new(path, source: File.read(path)))
  rescue Parser::SyntaxError => e
    problems << "not Ruby 1.9: #{e.diagnostic.render.join(' ')}"
    next
  end
  walk = lambda do |node|
    next unless node.is_a?(Parser::AST::Node)
    if [:send, :csend].include?(node.type) && newer.key?(node.children[1].to_s)
      problems << "line #{node.loc.line}: #{node.children[1]} (Ruby #{newer[node.children[1].to_s]})"
    end
    node.children.each { |child| walk.call(child) }
  end
  walk.call(ast)
end
puts JSON.generate(found)
"""


def ruby19_problems(paths):
    """{path: what Ruby 1.9.3 could not run in it}."""
    result = subprocess.run(['ruby', '-e', CHECKER, json.dumps(NEWER_METHODS)]
                            + [str(path) for path in paths],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.fail('the Ruby 1.9 check did not run (ruby-whitequark-parser missing? '
                    'run tools/install-deps.sh): ' + result.stderr)
    return json.loads(result.stdout)


def test_every_ruby_file_of_the_module_runs_on_ruby_1_9():
    paths = sorted(MODULE.rglob('*.rb'))
    assert len(paths) >= 2, 'the module has no Ruby: wrong path?'
    assert ruby19_problems(paths) == {str(path): [] for path in paths}


@pytest.mark.parametrize('source, problem', [
    pytest.param('x = %i(a b)\n', 'not Ruby 1.9', id='symbol-array-literal-2.0'),
    pytest.param('def f(a:, b: 1)\nend\n', 'not Ruby 1.9', id='keyword-arguments-2.0'),
    pytest.param('x = y&.z\n', 'not Ruby 1.9', id='safe-navigation-2.3'),
    pytest.param('x = <<~TEXT\n  a\nTEXT\n', 'not Ruby 1.9', id='squiggly-heredoc-2.3'),
    pytest.param('x = [1, 2].sum\n', 'line 1: sum (Ruby 2.4)', id='array-sum-2.4'),
    pytest.param("x = {}\ny = x.dig('a', 'b')\n", 'line 2: dig (Ruby 2.3)', id='hash-dig-2.3'),
    pytest.param("x = 'ab' =~ /a/ ? 1 : 'ab'.match?(/b/)\n", 'line 1: match? (Ruby 2.4)',
                 id='string-match-p-2.4'),
])
def test_what_ruby_1_9_cannot_run_is_found(tmp_path, source, problem):
    """The check can fail: each of these was written by someone used to a
    newer Ruby, and each would stop Puppet 3.8 on a Fuel 9 node."""
    path = tmp_path / 'newer.rb'
    path.write_text(source)
    problems, = ruby19_problems([path]).values()
    assert problems and problems[0].startswith(problem), problems
