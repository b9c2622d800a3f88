"""components.yaml as Fuel 9's environment wizard reads it."""

import yaml

from support.project import PLUGIN_NAME, REPO

# The wizard's panes (fuel-web's openstack.yaml component names): a chosen
# component of any of them that the plugin's `compatible` does not cover
# makes the wizard warn "This component was not tested with ..." (fuel-ui's
# wizard.js, processCompatible; wildcards expanded by models.js).
WIZARD_PANES = ('hypervisor', 'network', 'storage', 'additional_service')


def test_plugin_is_compatible_with_every_choice_of_the_wizard():
    components = yaml.safe_load((REPO / 'components.yaml').read_text())
    assert [c['name'] for c in components] == ['additional_service:' + PLUGIN_NAME]
    compatible = {entry['name'] for entry in components[0]['compatible']}
    assert compatible == {pane + ':*' for pane in WIZARD_PANES}
    assert components[0]['requires'] == [] and components[0]['incompatible'] == []
