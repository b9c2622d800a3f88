# Placeholder: configures nothing yet.
notice('fuel-plugin-cinder-gcs: cinder backup configuration is not implemented yet')
