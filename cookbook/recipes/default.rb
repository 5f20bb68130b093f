#
# Cookbook:: runitctl
# Recipe:: default
#
# Declares one runitctl_service per entry of node['runitctl']['services'] (name => properties,
# plus an optional 'action'), so a role or environment can describe a node's services as data.
# Recipes can also declare runitctl_service resources directly; all of them end up in the same
# services.yaml, applied once at the end of the run.

node['runitctl']['services'].each do |name, attrs|
  props = attrs.to_h.reject { |k, _| k.to_s == 'action' }
  runitctl_service name do
    props.each { |prop, value| send(prop.to_sym, value) }
    action((attrs['action'] || 'enable').to_sym)
  end
end
