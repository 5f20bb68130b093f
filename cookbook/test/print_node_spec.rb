# frozen_string_literal: true

# Prints the services.yaml (JSON) that the runitctl cookbook writes for a node whose
# attributes are in the given JSON file (default: fixtures/node.json, a realistic Rails shop:
# system services with instances, logging and a control override, plus a per-user service).
# The Rust test suite feeds the output to `runitctl check` and `runitctl plan`.
#
#   ruby test/print_node_spec.rb [node.json]

require_relative '../libraries/runitctl_spec'

node = JSON.parse(File.read(ARGV[0] || File.join(__dir__, 'fixtures', 'node.json')))
attrs = node.fetch('runitctl')
decls = RunitctlCookbook::Spec.from_attributes(attrs.fetch('services', {}))
spec = RunitctlCookbook::Spec.build(
  decls,
  project: attrs['project'], sv_dir: attrs['sv_dir'], service_dir: attrs['service_dir'],
  supervisor: attrs['supervisor']
)
print RunitctlCookbook::Spec.to_json(spec)
