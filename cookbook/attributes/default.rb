# The runitctl binary, and the spec file this node's services are written to.
default['runitctl']['bin'] = '/usr/local/bin/runitctl'
default['runitctl']['spec_path'] = '/etc/runitctl/services.json'
# Top-level services.yaml keys (nil: runitctl's defaults).
default['runitctl']['project'] = 'chef'
default['runitctl']['sv_dir'] = nil
default['runitctl']['service_dir'] = nil
default['runitctl']['supervisor'] = nil
# Relocate everything under this directory (tests, image builds); nil for the real system.
default['runitctl']['root'] = nil
# `runitctl apply --wait` (fail the run when a service does not come up) and its timeout.
default['runitctl']['wait'] = true
default['runitctl']['timeout'] = nil
# Services the default recipe declares: name => runitctl_service properties
# (plus an optional 'action': 'enable' (default), 'create' or 'disable').
default['runitctl']['services'] = {}
