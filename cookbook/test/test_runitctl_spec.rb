# frozen_string_literal: true

# minitest for the cookbook's plain-Ruby library: spec building with runit_service names,
# command lines, and reading `runitctl plan --format json`.
#
#   ruby test/test_runitctl_spec.rb

require 'minitest/autorun'
require_relative '../libraries/runitctl_spec'

FIXTURES = File.join(__dir__, 'fixtures')

class SpecServiceTest < Minitest::Test
  S = RunitctlCookbook::Spec

  def test_runit_service_names_map_to_runitctl_keys
    owner, name, entry = S.service(
      service_name: 'web', run: 'bundle exec puma', user: 'www-data', cwd: '/srv/app',
      env: { 'PORT' => 8080, RAILS_ENV: 'production' }, start_down: true, restart_on_update: false,
      sv_timeout: 30, log_size: 1_048_576, log_num: 10, log_min: 2, log_timeout: 86_400,
      log_processor: 'gzip', log_socket: '127.0.0.1:514', log_prefix: 'web: ',
      log_config_append: "-*DEBUG*\n\n+*", log_flags: '-tt', log_dir: '/var/log/web'
    )
    assert_nil owner
    assert_equal 'web', name
    assert_equal(
      {
        'run' => 'bundle exec puma', 'user' => 'www-data', 'cwd' => '/srv/app',
        'env' => { 'PORT' => '8080', 'RAILS_ENV' => 'production' },
        'down' => true, 'restart_on_update' => false, 'stop_timeout' => 30,
        'log' => {
          'dir' => '/var/log/web', 'size' => 1_048_576, 'num' => 10, 'min' => 2, 'timeout' => 86_400,
          'processor' => 'gzip', 'udp' => '127.0.0.1:514', 'prefix' => 'web: ',
          'timestamps' => 'tt', 'filters' => ['-*DEBUG*', '+*']
        }
      },
      entry
    )
    assert_equal %w(run user cwd env down restart_on_update stop_timeout log), entry.keys
  end

  def test_run_is_passed_verbatim_for_runitctl_to_wrap
    cmd = %q(./api --port $PORT --env ${APP_ENV} it\\'s)
    _, _, entry = S.service(service_name: 'a', run: cmd, port: 7000, env: { 'APP_ENV' => 'production' })
    assert_equal cmd, entry['run'], 'runitctl routes shell syntax through /bin/sh -c after chpst'
    _, _, entry = S.service(service_name: 'a', run: 'echo $HOME $PORT')
    assert_equal 'echo $HOME $PORT', entry['run']
  end

  def test_unset_properties_are_left_out
    _, _, entry = S.service('service_name' => 'a', 'run' => 'x', 'user' => nil, 'env' => {}, 'log_size' => nil)
    assert_equal({ 'run' => 'x' }, entry)
  end

  def test_log_false
    _, _, entry = S.service(service_name: 'a', run: 'x', log: false)
    assert_equal false, entry['log']
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', log: false, log_num: 3) }
    assert_equal 'runitctl_service[a]: log false, but log_num set', err.message
  end

  def test_exactly_one_run_source
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a') }
    assert_equal 'runitctl_service[a]: set exactly one of run, script, run_template (got none)', err.message
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', script: 'y') }
    assert_equal 'runitctl_service[a]: set exactly one of run, script, run_template (got run, script)', err.message
    _, _, entry = S.service(service_name: 'a', run_template: 'templates/a-run.hbs')
    assert_equal({ 'template' => 'templates/a-run.hbs' }, entry)
  end

  def test_runit_service_only_properties_explain_the_migration
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', sv_templates: false) }
    assert_match(/runit_service's `sv_templates` has no runitctl equivalent: .*never touches/, err.message)
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', colour: 'red') }
    assert_equal 'runitctl_service[a]: unknown property `colour`', err.message
  end

  def test_finish_check_control_take_commands
    _, _, entry = S.service(service_name: 'a', run: 'x', finish: '/bin/on-exit', check: 'curl -f localhost',
                            control: { t: 'kill -QUIT $(cat supervise/pid)' })
    assert_equal '/bin/on-exit', entry['finish']
    assert_equal({ 't' => 'kill -QUIT $(cat supervise/pid)' }, entry['control'])
    assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', check: true) }
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', control: ['t']) }
    assert_match(/control must be a Hash/, err.message)
  end

  def test_log_flags_and_socket_validation
    _, _, entry = S.service(service_name: 'a', run: 'x', log_flags: '')
    assert_equal({ 'timestamps' => 'none' }, entry['log'])
    assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', log_flags: '-tt -v') }
    assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', log_socket: { host: 'h' }) }
  end

  def test_env_values_must_be_scalars
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', env: { 'A' => [1] }) }
    assert_equal 'runitctl_service[a]: env A: a value cannot be a Array', err.message
  end

  def test_per_service_dirs_need_an_owner
    err = assert_raises(RunitctlCookbook::Error) { S.service(service_name: 'a', run: 'x', sv_dir: '/x') }
    assert_match(/need `owner`/, err.message)
  end
end

class SpecBuildTest < Minitest::Test
  S = RunitctlCookbook::Spec

  def test_owner_puts_services_in_the_user_tree
    spec = S.build(
      [
        { service_name: 'web', run: 'w' },
        { service_name: 'api', run: 'a', owner: 'deploy', sv_dir: '/home/deploy/sv', service_dir: '/home/deploy/service' },
        { service_name: 'jobs', run: 'j', owner: 'deploy' }
      ],
      project: 'shop', supervisor: :embedded
    )
    assert_equal(
      {
        'project' => 'shop', 'supervisor' => 'embedded',
        'services' => { 'web' => { 'run' => 'w' } },
        'users' => {
          'deploy' => {
            'service_dir' => '/home/deploy/service', 'sv_dir' => '/home/deploy/sv',
            'services' => { 'api' => { 'run' => 'a' }, 'jobs' => { 'run' => 'j' } }
          }
        }
      },
      spec
    )
  end

  def test_name_keyed_hash_and_sorted_output
    spec = S.build({ 'b' => { run: 'b' }, 'a' => { 'run' => 'a' } })
    assert_equal %w(a b), spec['services'].keys
    assert_equal({ 'services' => { 'a' => { 'run' => 'a' }, 'b' => { 'run' => 'b' } } }, spec)
  end

  def test_duplicates_and_conflicting_user_dirs
    err = assert_raises(RunitctlCookbook::Error) { S.build([{ service_name: 'a', run: 'x' }, { service_name: 'a', run: 'y' }]) }
    assert_equal 'runitctl_service[a] is declared twice', err.message
    err = assert_raises(RunitctlCookbook::Error) do
      S.build([{ service_name: 'a', run: 'x', owner: 'u', home: '/h1' }, { service_name: 'b', run: 'y', owner: 'u', home: '/h2' }])
    end
    assert_equal 'runitctl_service[b]: home "/h2" conflicts with "/h1" from another service of u', err.message
  end

  def test_from_attributes_maps_actions
    decls = S.from_attributes('a' => { 'run' => 'x' }, 'b' => { 'run' => 'y', 'action' => 'create' })
    assert_equal [true, false], decls.map { |d| d[:enabled] }
    assert_raises(RunitctlCookbook::Error) { S.from_attributes('c' => { 'run' => 'z', 'action' => 'restart' }) }
  end

  def test_json_is_pretty_and_round_trips
    spec = S.build([{ service_name: 'a', run: %(echo "hi" && exit), env: { 'K' => 'v: w' } }], project: 'p')
    text = S.to_json(spec)
    assert text.end_with?("}\n")
    assert_equal spec, JSON.parse(text)
  end

  def test_the_fixture_node_builds
    node = JSON.parse(File.read(File.join(FIXTURES, 'node.json')))['runitctl']
    spec = S.build(S.from_attributes(node['services']), project: node['project'])
    assert_equal %w(shop-clock shop-maintenance shop-web shop-worker), spec['services'].keys
    assert_equal %w(api), spec['users']['deploy']['services'].keys
    assert_equal false, spec['services']['shop-maintenance']['enabled']
  end
end

class CommandsTest < Minitest::Test
  C = RunitctlCookbook::Commands

  def test_command_lines
    assert_equal %w(/usr/bin/runitctl check /etc/runitctl/services.json),
                 C.check(bin: '/usr/bin/runitctl', spec: '/etc/runitctl/services.json')
    assert_equal %w(runitctl --root /tmp/r plan --format json s.json), C.plan(bin: 'runitctl', spec: 's.json', root: '/tmp/r')
    assert_equal %w(runitctl apply s.json), C.apply(bin: 'runitctl', spec: 's.json')
    assert_equal %w(runitctl --root /r apply --wait --timeout 60 s.json),
                 C.apply(bin: 'runitctl', spec: 's.json', root: '/r', wait: true, timeout: 60)
    assert_equal %w(runitctl sv -w 30 restart /etc/service/web),
                 C.sv(bin: 'runitctl', verb: :restart, service_path: '/etc/service/web', timeout: 30)
    assert_equal %w(runitctl sv hup /etc/service/w-1 /etc/service/w-2),
                 C.sv(bin: 'runitctl', verb: 'hup', service_path: %w(/etc/service/w-1 /etc/service/w-2))
    assert_equal %w(web-1 web-2 web-3), C.instance_names('web', 3)
    assert_equal %w(web), C.instance_names('web', nil)
    assert_equal '/etc/service/web', C.service_path(name: 'web')
    assert_equal '/r/home/d/service/api', C.service_path(name: 'api', service_dir: '/home/d/service', root: '/r')
  end

  def test_every_runit_service_sv_action_has_a_verb
    %i(start stop restart reload reload_log status once hup cont term kill up down usr1 usr2).each do |a|
      assert C::SV_VERBS.key?(a), a
    end
    assert_equal 'force-reload', C::SV_VERBS[:reload]
  end

  def test_paths_with_spaces_stay_one_argument
    assert_equal ['runitctl', 'plan', '--format', 'json', '/etc/my specs/s.json'],
                 C.plan(bin: 'runitctl', spec: '/etc/my specs/s.json')
  end
end

class PlanTest < Minitest::Test
  P = RunitctlCookbook::Plan

  def fixture(name)
    File.read(File.join(FIXTURES, name))
  end

  def test_changes_pending
    plan = P.from_result(2, fixture('plan_changes.json'))
    assert plan.changed?
    refute plan.in_sync?
    assert_equal %w(shop-web-1 shop-worker shop-clock api), plan.changed_services
    assert plan.created?('shop-web-1')
    refute plan.created?('shop-worker')
    assert_equal [], plan.actions_for('shop-web-1')
    assert_equal ['restart'], plan.actions_for('shop-worker')
    assert_equal %w(restart-log hup-log), plan.actions_for('api', user: 'deploy')
    assert_equal [], plan.actions_for('api', user: 'other')
    assert_equal 4, plan.changes.size
    assert_equal 2, plan.summary['update']
    assert_equal '4 changes: shop-web-1 (created), shop-worker (restart), shop-clock, deploy/api (restart-log, hup-log)',
                 plan.describe
  end

  def test_in_sync
    plan = P.from_result(0, fixture('plan_in_sync.json'))
    refute plan.changed?
    assert_equal [], plan.changed_services
    assert_equal 'in sync', plan.describe
    assert_equal 42, plan.summary['unchanged']
  end

  def test_errors
    err = assert_raises(RunitctlCookbook::Error) { P.from_result(1, '', "services.yaml:3:5: error: unknown key `rnu`\n") }
    assert_equal 'runitctl plan failed (exit 1): services.yaml:3:5: error: unknown key `rnu`', err.message
    err = assert_raises(RunitctlCookbook::Error) { P.from_result(0, fixture('plan_changes.json')) }
    assert_equal 'runitctl plan exited 0 but its JSON says in_sync=false', err.message
    err = assert_raises(RunitctlCookbook::Error) { P.from_result(2, 'not json') }
    assert_match(/printed no valid JSON/, err.message)
    err = assert_raises(RunitctlCookbook::Error) { P.parse('{"version": 2, "in_sync": true}') }
    assert_equal 'runitctl plan JSON version 2 is not supported (expected 1)', err.message
    assert_raises(RunitctlCookbook::Error) { P.parse('[]') }
    assert_raises(RunitctlCookbook::Error) { P.parse('{"version": 1}') }
    assert_raises(RunitctlCookbook::Error) { P.from_result(nil, '', '') }
  end

  def test_minimal_plan_without_optional_keys
    plan = P.parse('{"version": 1, "in_sync": false}')
    assert plan.changed?
    assert_equal '0 changes', plan.describe
  end
end
