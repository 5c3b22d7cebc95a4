package ScimTest::Blocks;

# The data-driven block runner: parses __DATA__ into blocks and sections,
# sets up the file (work directory, per-file redis-server, module copy),
# and runs each block: conf, nginx start, request / steps / cases / perl,
# graceful stop, error-log checks. The sections are documented in ScimTest.pm.

use strict;
use warnings;

use Cwd qw(abs_path);
use Digest::SHA qw(sha256_hex);
use File::Basename qw(basename dirname);
use File::Path qw(make_path remove_tree);
use File::Temp ();
use Test::More ();

use ScimTest::Base;
use ScimTest::Http;
use ScimTest::Nginx;
use ScimTest::Redis;
use ScimTest::Steps;

our @EXPORT = qw(run_blocks);
use Exporter qw(import);

my %SECTIONS = map { $_ => 1 } qw(
    main_config http_config config request raw_request more_headers no_auth
    error_code response_headers response_headers_like response_body
    response_body_like response_body_unlike response_json error_log
    no_error_log steps init cases case perl nginx_t_fails nginx_t_ok timeout no_flush
    user_files no_module skip_valgrind skip_asan SKIP ONLY LAST
);
my %MODIFIERS = map { $_ => 1 } qw(eval chomp);

sub run_blocks {
    my (%opt) = @_;
    my $pkg = caller;
    my $text = do {
        no strict 'refs';
        my $fh = \*{"${pkg}::DATA"};
        local $/;
        defined fileno($fh) ? <$fh> : undef;
    };
    die "ScimTest: no __DATA__ section in $0\n" unless defined $text;
    my @blocks = _parse_blocks($text);

    _init_file(%opt);

    if (my @only = grep { exists $_->{sec}{ONLY} } @blocks) { @blocks = @only }
    for my $i (0 .. $#blocks) {
        if (exists $blocks[$i]{sec}{LAST}) { splice @blocks, $i + 1; last }
    }

    if ($S{use_module} && !$S{module_ok}) {
        Test::More::done_testing();
        return;
    }
    for my $b (@blocks) {
        local $ScimTest::Base::BLOCK = $b;
        _run_block($b);
    }
    Test::More::done_testing();
}

sub _parse_blocks {
    my ($text) = @_;
    my (@blocks, $block, $sec);
    my $line_no = 0;
    my $close = sub {
        return unless $sec;
        my $v = $sec->{lines};
        pop @$v while @$v && $v->[-1] =~ /^\s*$/;
        my $value = $sec->{inline};
        if (@$v) {
            my $body = join("\n", @$v) . "\n";
            $value = defined $value ? "$value\n$body" : $body;
        }
        $value = '' unless defined $value;
        $block->{sec}{ $sec->{name} } = $value;
        $block->{mod}{ $sec->{name} } = $sec->{mods};
        undef $sec;
    };
    for my $line (split /\n/, $text) {
        $line_no++;
        $line =~ s/\r$//;
        if ($line =~ /^===\s*(.*?)\s*$/) {
            $close->();
            $block = { name => $1, sec => {}, mod => {}, line => $line_no };
            push @blocks, $block;
            next;
        }
        if ($line =~ /^--- (\w+)(.*)$/) {
            die "ScimTest: section before the first block at __DATA__ line $line_no\n" unless $block;
            my ($name, $rest) = ($1, $2);
            die "ScimTest: unknown section '--- $name' in '$block->{name}'\n"
                unless $SECTIONS{$name};
            $close->();
            my (%mods, $inline);
            if ($rest =~ /^\s*:\s?(.*)$/) {
                $inline = $1;
            } elsif ($rest =~ /\S/) {
                my @words = split ' ', $rest;
                if (grep { !$MODIFIERS{$_} } @words) {
                    ($inline = $rest) =~ s/^\s+//;
                } else {
                    %mods = map { $_ => 1 } @words;
                }
            }
            $sec = { name => $name, lines => [], inline => $inline, mods => \%mods };
            next;
        }
        if ($sec) {
            push @{ $sec->{lines} }, $line;
        }
        # text outside a section (comments between blocks) is ignored
    }
    $close->();
    for my $b (@blocks) {
        die "ScimTest: block '$b->{name}' has both --- request and --- raw_request\n"
            if exists $b->{sec}{request} && exists $b->{sec}{raw_request};
        die "ScimTest: block '$b->{name}' has --- case without --- cases\n"
            if exists $b->{sec}{case} && !exists $b->{sec}{cases};
    }
    return @blocks;
}

sub _init_file {
    my (%opt) = @_;
    $SIG{PIPE} = 'IGNORE';
    $SIG{INT} = $SIG{TERM} = sub { Test::More::diag("ScimTest: interrupted"); exit 130 };

    my $lib = dirname(abs_path(__FILE__));    # t/lib/ScimTest
    $S{root} = abs_path("$lib/../../..");
    $S{owner} = $$;
    $S{nginx} = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
    $S{valgrind} = $ENV{TEST_NGINX_USE_VALGRIND} ? 1 : 0;
    $S{preload} = $ENV{TEST_NGINX_LD_PRELOAD} // '';
    $S{factor} = $S{valgrind} ? 10 : $S{preload} ? 3 : 1;
    $S{log_level} = $ENV{TEST_NGINX_LOG_LEVEL} || 'info';
    $S{workers} = $ENV{TEST_NGINX_WORKERS} || 1;

    my $module = $ENV{TEST_NGINX_MODULE};
    if (!defined $module || $module eq '') {
        my $default = "$S{root}/build/ngx_http_scim_module.so";
        $module = -e $default ? $default : undef;
    }
    $S{use_module} = exists $opt{module} ? ($opt{module} ? 1 : 0) : 1;
    if ($S{use_module}) {
        if (!defined $module) {
            Test::More::plan(skip_all => "the module is not built (make module), "
                                       . "or set TEST_NGINX_MODULE");
        }
        $module = abs_path($module) // $module;
        Test::More::BAIL_OUT("TEST_NGINX_MODULE=$module does not exist") unless -e $module;
        $S{module} = $module;
    }

    my $name = basename($0);
    $name =~ s/\.t$//;
    my $dir = "$S{root}/build/t/$name-$$";
    # unix socket paths are limited to 107 bytes
    if (length("$dir/redis/redis.sock") > 100) {
        $dir = File::Temp::tempdir("scimtest-$name-XXXXXX", TMPDIR => 1);
    }
    remove_tree($dir) if -d $dir;
    make_path("$dir/servroot/conf", "$dir/servroot/logs", "$dir/servroot/tmp", "$dir/redis");
    $S{dir} = $dir;
    $S{servroot} = "$dir/servroot";
    $S{redis_dir} = "$dir/redis";
    $S{redis_sock} = "$dir/redis/redis.sock";
    $S{port} = free_port();

    # nginx maps the module: a rebuild that rewrites the file in place under a
    # running nginx kills it with SIGBUS. Each test file loads its own copy.
    if ($S{module}) {
        $S{module_source} = $S{module};
        $S{module} = _copy_module($S{module}, "$dir/" . basename($S{module}));
    }
    $ENV{TEST_NGINX_MODULE} = $S{module} // '';

    $ENV{TEST_NGINX_PORT} = $ENV{TEST_NGINX_SERVER_PORT} = $S{port};
    $ENV{TEST_NGINX_SERVROOT} = $S{servroot};
    $ENV{TEST_NGINX_REDIS_SOCKET} = $S{redis_sock};
    $ENV{TEST_NGINX_TOKEN} = $TOKEN;
    $ENV{TEST_NGINX_TOKEN_HASH} = sha256_hex($TOKEN);

    start_redis();
    $S{module_ok} = _check_module_loads() if $S{use_module};
}

END {
    if (%S && $S{owner} && $S{owner} == $$) {
        my $rc = $?;
        _kill_nginx() if $S{nginx_pid};
        stop_redis() if $S{redis_pid};
        stop_redis_servers(@{ $S{redis_servers} }) if $S{redis_servers};
        my $tb = Test::More->builder;
        my $failed = grep { !$_ } $tb->summary;
        if ($S{dir} && -d $S{dir}) {
            if ($failed || $rc || $ENV{TEST_NGINX_NO_CLEAN} || !$tb->is_passing) {
                Test::More::diag("ScimTest: logs and configs kept in $S{dir}") if $failed || $rc;
            } else {
                remove_tree($S{dir});
                rmdir "$S{root}/build/t";   # only when empty
            }
        }
        $? = $rc;
    }
}

sub _run_block {
    my ($b) = @_;
    $S{block_no}++;
    $S{log_shown} = 0;
    my $tb = Test::More->builder;
    if (exists $b->{sec}{SKIP}) { $tb->skip("$b->{name}: --- SKIP"); return }
    if ($S{valgrind} && exists $b->{sec}{skip_valgrind}) { $tb->skip("$b->{name}: not under valgrind"); return }
    if ($S{preload} ne '' && exists $b->{sec}{skip_asan}) { $tb->skip("$b->{name}: not with LD_PRELOAD"); return }

    my $ok = eval { _run_block_inner($b); 1 };
    if (!$ok) {
        my $err = $@;
        _ok(0, "harness error", "  $err");
        _kill_nginx() if $S{nginx_pid};
    }
    _save_logs($b);
}

sub _run_block_inner {
    my ($b) = @_;
    start_redis() unless redis_running();
    redis_cmd('FLUSHALL') unless exists $b->{sec}{no_flush};
    _reset_logs($b);
    _write_user_files($b) if exists $b->{sec}{user_files};
    _write_file("$S{servroot}/conf/nginx.conf", _nginx_conf($b));

    if (exists $b->{sec}{nginx_t_fails} || exists $b->{sec}{nginx_t_ok}) {
        my $fails = exists $b->{sec}{nginx_t_fails};
        my $re = _value($b, $fails ? 'nginx_t_fails' : 'nginx_t_ok') // '';
        $re =~ s/^\s+|\s+$//g;
        my ($rc, $out) = _nginx_test();
        my $signalled = $rc > 0 && ($rc & 127);
        _ok(!$signalled && $rc != -1, "nginx -t exits normally",
            "  exit status $rc\n$out");
        if ($fails) {
            _ok($rc != 0, "nginx -t fails", "  nginx -t passed:\n$out");
        } else {
            _ok($rc == 0, "nginx -t passes", "  $out");
        }
        _ok(!!($out =~ /$re/), "nginx -t output like /$re/", "  output:\n$out") if $re ne '';
        return;
    }

    my $err = _start_nginx($b);
    if ($err) {
        _ok(0, "nginx starts", "  $err\n", "stderr:\n", _tail("$S{servroot}/logs/stderr.log", 20),
            "error.log:\n", _tail(_error_log_path(), 20));
        _kill_nginx() if $S{nginx_pid};
        return;
    }

    my $fails_before = _failed_count();
    eval {
        if (exists $b->{sec}{init}) { _run_perl($b, 'init') }
        if (exists $b->{sec}{request} || exists $b->{sec}{raw_request}) {
            my $r;
            if (exists $b->{sec}{raw_request}) {
                my $raw = _value($b, 'raw_request');
                my ($method) = $raw =~ /^(\S+)/;
                $r = _exchange($raw, $method // 'GET');
            } else {
                my $req = _value($b, 'request');
                $req =~ s/\n\z// unless $b->{mod}{request}{eval};
                my ($line, $body) = split /\n/, $req, 2;
                $line =~ s/^\s+|\s+$//g;
                my ($method, $uri, $proto) = $line =~ m{^([A-Z]+)\s+(\S+)(?:\s+(HTTP/\d\.\d))?$}
                    or die "bad request line '$line'\n";
                my @h;
                for my $l (split /\n/, _value($b, 'more_headers') // '') {
                    next if $l =~ /^\s*$/;
                    if ($l =~ /^\s*!\s*(\S+)\s*$/) { push @h, [$1, undef]; next }
                    my ($n, $v) = $l =~ /^\s*([^:]+?)\s*:\s?(.*)$/ or die "bad header line '$l'\n";
                    push @h, [$n, $v];
                }
                $r = _exchange(_build_request($method, $uri, $body, \@h, $proto,
                                              exists $b->{sec}{no_auth}), $method);
            }
            if (_check_response_sections($b, $r)) {
                Test::More::diag("response:\n" . _describe_response($r));
                _diag_log();
            }
        } elsif (grep { exists $b->{sec}{$_} } qw(error_code response_headers response_headers_like
                                                   response_body response_body_like response_json)) {
            die "the block has response expectations but no --- request\n";
        }
        _run_steps($b) if exists $b->{sec}{steps};
        _run_cases($b) if exists $b->{sec}{cases};
        _run_perl($b, 'perl') if exists $b->{sec}{perl};
        1;
    } or do {
        _ok(0, "block ran", "  $@");
    };

    my $stop_err = _stop_nginx();
    _ok(!$stop_err, "nginx stops gracefully", "  " . ($stop_err // '') . "\n");
    _check_logs($b);
    _diag_log() if _failed_count() > $fails_before;
}

# Runs a Perl section; the names of its assertions start with the block's
# name (and $label, e.g. a case's).
sub _run_perl {
    my ($b, $name, $label) = @_;
    my $block = $b->{name};
    my $prefix = defined $label ? "$block - $label:" : "$block -";
    no warnings 'redefine';
    my $orig = \&Test::Builder::ok;
    local *Test::Builder::ok = sub {
        my ($self, $test, $tname) = @_;
        $tname = defined $tname && $tname =~ /^\Q$block\E/ ? $tname
               : "$prefix " . ($tname // $name);
        local $Test::Builder::Level = $Test::Builder::Level + 1;
        return $orig->($self, $test, $tname);
    };
    eval { _eval_perl($b->{sec}{$name}, $name); 1 } or die "--- $name died: $@";
}

# The expectations of --- request / --- raw_request blocks.
sub _check_response_sections {
    my ($b, $r) = @_;
    my $fails = 0;
    if (!defined $r->{status}) {
        _ok(0, "response received", "  " . ($r->{error} // 'no response') . "\n");
        return 1;
    }
    if (exists $b->{sec}{error_code}) {
        my $want = _value($b, 'error_code');
        $want =~ s/\s+//g;
        $fails += !_ok($r->{status} eq $want, "status code",
                       "  expected $want, got $r->{status}\n");
    } elsif ($r->{error}) {
        $fails += !_ok(0, "complete response", "  $r->{error}\n");
    }
    if (exists $b->{sec}{response_headers}) {
        $fails += _check_headers_exact($r, _value($b, 'response_headers'), 'response');
    }
    if (exists $b->{sec}{response_headers_like}) {
        $fails += _check_headers_like($r, _value($b, 'response_headers_like'), 'response');
    }
    if (exists $b->{sec}{response_body}) {
        my $want = _value($b, 'response_body');
        my $got = $r->{body} // '';
        $fails += !_ok($got eq $want, "response body",
                       "  expected: " . _show_text($want) . "\n  got:      " . _show_text($got) . "\n");
    }
    if (exists $b->{sec}{response_body_like}) {
        my $re = _value($b, 'response_body_like');
        chomp $re unless $b->{mod}{response_body_like}{eval};
        $re = qr/$re/s unless ref $re eq 'Regexp';
        $fails += !_ok(!!(($r->{body} // '') =~ $re), "response body like $re");
    }
    if (exists $b->{sec}{response_body_unlike}) {
        my $re = _value($b, 'response_body_unlike');
        chomp $re unless $b->{mod}{response_body_unlike}{eval};
        $re = qr/$re/s unless ref $re eq 'Regexp';
        $fails += !_ok(($r->{body} // '') !~ $re, "response body unlike $re");
    }
    if (exists $b->{sec}{response_json}) {
        $fails += _check_json($r, _value($b, 'response_json'), 'response');
    }
    return $fails;
}

sub _log_patterns {
    my ($text) = @_;
    my @p;
    for my $line (split /\n/, $text // '') {
        next if $line =~ /^\s*$/;
        $line =~ s/^\s+|\s+$//g;
        if ($line =~ m{^qr/(.*)/([a-z]*)$}) {
            my ($re, $flags) = ($1, $2);
            push @p, { text => $line, re => qr/(?$flags)$re/ };
        } else {
            push @p, { text => $line, re => qr/\Q$line\E/ };
        }
    }
    return @p;
}

sub _log_patterns_of {
    my ($b, $name) = @_;
    return () unless exists $b->{sec}{$name};
    if ($b->{mod}{$name}{eval}) {
        my @v = eval { _eval_perl($b->{sec}{$name}, "$name eval") };
        die "ScimTest: --- $name eval failed: $@" if $@;
        @v = @{ $v[0] } if @v == 1 && ref $v[0] eq 'ARRAY';
        return map { ref $_ eq 'Regexp' ? { text => "$_", re => $_ } : { text => $_, re => qr/\Q$_\E/ } } @v;
    }
    return _log_patterns(_subst_env($b->{sec}{$name}));
}

# --- cases: one case a line, `NAME => VALUE` (or NAME alone). --- case runs
# once per case with $main::case and $main::expect; its assertions are named
# after the case, and a case that dies or asserts nothing fails by name.
sub _parse_cases {
    my ($text) = @_;
    my (@cases, %seen);
    for my $line (split /\n/, $text) {
        next if $line =~ /^\s*(?:#|$)/;
        my ($name, $value);
        if ($line =~ /^\s*(.*?)\s*(?<!\S)=>(?:\s+(.*?))?\s*$/) {
            ($name, $value) = ($1, $2 // '');
        } else {
            ($name = $line) =~ s/^\s+|\s+$//g;
        }
        die "ScimTest: a case without a name: '$line'\n" if $name eq '';
        die "ScimTest: case '$name' appears twice\n" if $seen{$name}++;
        push @cases, [$name, $value];
    }
    die "ScimTest: --- cases holds no case\n" unless @cases;
    return @cases;
}

sub _run_cases {
    my ($b) = @_;
    die "--- cases needs a --- case section\n" unless exists $b->{sec}{case};
    my $tb = Test::More->builder;
    for my $c (_parse_cases(_value($b, 'cases'))) {
        my ($name, $value) = @$c;
        no warnings 'once';
        local $main::case = $name;
        local $main::expect = $value;
        my $before = $tb->current_test;
        if (!eval { _run_perl($b, 'case', "case '$name'"); 1 }) {
            _ok(0, "case '$name'", "  $@");
        } elsif ($tb->current_test == $before) {
            _ok(0, "case '$name' asserts something");
        }
    }
}

sub _check_logs {
    my ($b) = @_;
    my $log = error_log_since_block();
    for my $p (_log_patterns_of($b, 'error_log')) {
        _ok(!!($log =~ $p->{re}), "error.log has: $p->{text}");
    }
    for my $p (_log_patterns_of($b, 'no_error_log')) {
        my @hits = grep { $_ =~ $p->{re} } split /\n/, $log;
        _ok(!@hits, "error.log has no: $p->{text}", map { "  $_\n" } @hits[0 .. ($#hits > 4 ? 4 : $#hits)]);
    }
    my @bad = grep { /\[(?:alert|crit|emerg)\]/ } split /\n/, $log;
    _ok(!@bad, "no [alert], [crit] or [emerg] in error.log", map { "  $_\n" } @bad[0 .. ($#bad > 9 ? 9 : $#bad)]);

    my $stderr = _read_file("$S{servroot}/logs/stderr.log") // '';
    if ($S{preload} ne '') {
        my $all = "$stderr\n$log";
        my @san = grep { /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/ } split /\n/, $all;
        _ok(!@san, "no sanitizer reports", "  " . join("\n  ", @san[0 .. ($#san > 9 ? 9 : $#san)]) . "\n",
            @san ? ("stderr.log:\n" . _tail("$S{servroot}/logs/stderr.log", 60)) : ());
    }
    if ($S{valgrind}) {
        my @reports;
        for my $f (glob "$S{servroot}/logs/valgrind.*.log") {
            my $t = _read_file($f) // '';
            push @reports, "$f:\n$t" if $t =~ /Invalid (?:read|write|free)|uninitialised|Mismatched free|overlap|Jump to the invalid|Process terminating|definitely lost|Syscall param|unaddressable/;
        }
        _ok(!@reports, "no valgrind errors", map { substr($_, 0, 6000) . "\n" } @reports);
    }
}

sub _write_user_files {
    my ($b) = @_;
    my $text = _value($b, 'user_files');
    my ($name, @lines, @files);
    for my $line (split /\n/, $text) {
        if ($line =~ /^>>>\s*(\S+)\s*$/) {
            push @files, [$name, [@lines]] if defined $name;
            ($name, @lines) = ($1);
            next;
        }
        die "ScimTest: --- user_files must start with '>>> path'\n" unless defined $name;
        push @lines, $line;
    }
    push @files, [$name, [@lines]] if defined $name;
    for my $f (@files) {
        my ($path, $content) = @$f;
        die "ScimTest: user file '$path' leaves the servroot\n" if $path =~ m{(?:^|/)\.\.(?:/|$)};
        $path = "$S{servroot}/conf/$path" unless $path =~ m{^/};
        make_path(dirname($path));
        _write_file($path, join('', map { "$_\n" } @$content));
    }
}
1;
