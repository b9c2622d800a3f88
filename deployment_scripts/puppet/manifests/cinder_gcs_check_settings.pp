# Task cinder-gcs-check-settings (controllers and cinder nodes): checks the
# plugin's settings, and that the environment has a Cinder volume back end,
# before Fuel's own tasks change the node, so that a bad key or size stops
# the deployment first and names the setting (as fuel-plugin-lma-collector's
# check_environment_configuration.pp does). The backup task checks the
# settings again before it writes anything.
notice('MODULAR: fuel-plugin-cinder-gcs/cinder_gcs_check_settings.pp')

cinder_gcs_validate_settings(hiera_hash('fuel-plugin-cinder-gcs'), hiera_hash('storage'))
