#!/usr/bin/env bash
# The end-to-end workflows under a runner we did not write: nektos/act runs __tests__/act/single.yml (the plain
# use of the action) and __tests__/act/sharded.yml (three shard jobs side by side, then the aggregate action) on
# this machine, without containers (-P ubuntu-latest=-self-hosted), against the stand-in model and act's own
# artifact server, both on 127.0.0.1. Then it checks act's artifact store. Then every workflow of examples/,
# unchanged, with the stand-in GitHub API too, and checks what each promises (see run_example below). Exits
# non-zero when anything fails.
#
# Needs dist/ built (npm run bundle) and node_modules (the pinned CLI). act is built from source with Go the
# first time, into ${ACT_CACHE_DIR:-~/.cache/claude-agent-matrix}, and reused after that; building it is the
# only network use (the Go module proxy).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# act's first release that runs `runs.using: node24` actions is v0.2.81; v0.2.89 is the latest. No release's
# artifact server accepts @actions/artifact 6 (upload-artifact@v7): it refuses the client's new mime_type
# field, and the signature of upload URLs the Azure SDK has rewritten without "=" padding. The patch relaxes
# those two checks as the open upstream fixes do (nektos/act#6114, pull requests #6115 and #6174).
act_version=v0.2.89
patch_file=$root/scripts/act/artifact-server.patch
patch_id=$(sha256sum "$patch_file" | cut -c1-12)
cache=${ACT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/claude-agent-matrix}
act=$cache/act-$act_version-$patch_id/act

say() { printf '\n--- %s\n' "$*"; }

build_act() {
  say "building act $act_version from source (with scripts/act/artifact-server.patch) into $act"
  local started=$SECONDS src work
  command -v go >/dev/null || { echo "Go is needed to build act once (https://go.dev/doc/install)" >&2; exit 1; }
  src=$(go mod download -json "github.com/nektos/act@$act_version" | node -e \
    'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s).Dir))')
  work=$(mktemp -d)
  cp -R "$src/." "$work/src"
  chmod -R u+w "$work/src"
  (cd "$work/src" && git apply -p1 "$patch_file" && GOFLAGS=-buildvcs=false go build -o "$work/act" .)
  mkdir -p "$(dirname "$act")"
  # Another checkout may build at the same time: each moves a whole file into place.
  cp "$work/act" "$act.$$" && mv -f "$act.$$" "$act"
  rm -rf "$work"
  echo "built in $((SECONDS - started)) s"
}

[ -x "$act" ] || build_act
"$act" --version
for f in dist/index.js dist/aggregate/index.js node_modules/@anthropic-ai/claude-code/bin/claude.exe; do
  [ -e "$f" ] || { echo "$f is missing: run npm ci and npm run bundle first" >&2; exit 1; }
done

work=$(mktemp -d)
model_pid=
example_model_pid=
cleanup() {
  for pid in $model_pid $example_model_pid; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

node __tests__/act/serve-model.js 3000 >"$work/model.out" &
model_pid=$!
for _ in $(seq 50); do [ -s "$work/model.out" ] && break; sleep 0.1; done
model_url=$(head -n1 "$work/model.out")
[ -n "$model_url" ] || { echo "the stand-in model did not start" >&2; exit 1; }
echo "stand-in model at $model_url"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Runs one workflow under act; its artifact store is $work/<name>/store.
run_workflow() {
  local name=$1 dir=$work/$1 started=$SECONDS
  mkdir -p "$dir/home" "$dir/store"
  say "act: __tests__/act/$name.yml"
  # A clean environment and a HOME of its own: no actrc, .env, .secrets or .vars from this machine or user,
  # and nothing of the runner this script may itself run in (ACTIONS_RUNTIME_TOKEN and the like).
  env -i PATH="$PATH" HOME="$dir/home" LANG=C.UTF-8 "$act" push \
    --workflows "__tests__/act/$name.yml" \
    --platform ubuntu-latest=-self-hosted \
    --artifact-server-path "$dir/store" \
    --artifact-server-addr 127.0.0.1 \
    --artifact-server-port "$(free_port)" \
    --no-cache-server \
    --action-cache-path "$dir/act-cache" \
    --env-file "$dir/none" --secret-file "$dir/none" --var-file "$dir/none" --input-file "$dir/none" \
    --secret GITHUB_TOKEN=act-e2e-token \
    --secret ANTHROPIC_API_KEY=sk-ant-act-e2e-stand-in \
    --var MODEL_URL="$model_url" \
    --var CLAUDE_PATH="$root/node_modules/@anthropic-ai/claude-code/bin/claude.exe" \
    --concurrent-jobs 3
  echo "act ran $name.yml in $((SECONDS - started)) s"
}

run_workflow single
node __tests__/act/check-store.js "$work/single/store" single summary docs writer

run_workflow sharded
node __tests__/act/check-store.js "$work/sharded/store" sharded --shards 3 a b c d e f g

# Every workflow of examples/, as a user pastes it. Each runs unchanged in a small git repository of its own
# (__tests__/act/examples.js makes it), on the event it is written for (-e event.json), against:
# - the action of this checkout for `OWNER/REPO@v1`, `OWNER/REPO/aggregate@v1` and `OWNER/REPO/apply@v1`, through act's own
#   --local-repository, which maps that repository and ref to a folder: a copy of what a release holds
#   (action.yml, aggregate/action.yml, dist/). Nothing else in the example is replaced.
# - `actions/checkout`, which act itself does not run for the repository it runs in: it copies that folder (with
#   its .git) into the workspace instead, as it does for every local run. So `persist-credentials` and
#   `fetch-depth` are not exercised here; the unit tests check that the examples set them.
# - the stand-in model answering at once (the examples script nothing; the proxy of serve-model.js --examples
#   plays what a model does for map-reduce's planner and synthesis), and the stand-in GitHub API
#   (GITHUB_API_URL and GITHUB_GRAPHQL_URL through act's --env), which records the comment and the issue.
# - the pinned CLI as `claude` on PATH, where a runner with Claude Code installed has it (the examples set no
#   claude-path; without one on PATH the action would install claude-version with npm).
action=$work/action
mkdir -p "$action/aggregate" "$action/apply"
cp -R action.yml dist "$action/"
cp aggregate/action.yml "$action/aggregate/"
cp apply/action.yml "$action/apply/"
mkdir -p "$work/bin"
ln -s "$root/node_modules/@anthropic-ai/claude-code/bin/claude.exe" "$work/bin/claude"

node __tests__/act/serve-model.js 0 --examples >"$work/example-model.out" &
example_model_pid=$!
for _ in $(seq 50); do [ -s "$work/example-model.out" ] && break; sleep 0.1; done
example_model_url=$(head -n1 "$work/example-model.out")
[ -n "$example_model_url" ] || { echo "the stand-in model for the examples did not start" >&2; exit 1; }

run_example() {
  local name=$1 dir=$work/examples/$1 started=$SECONDS event github_pid github_url status=0
  mkdir -p "$dir/home" "$dir/store"
  say "act: examples/$name.yml"
  event=$(node __tests__/act/examples.js prepare "$name" "$dir")
  node __tests__/act/serve-github.js "$dir/github.json" "$dir/pull.json" >"$dir/github.out" &
  github_pid=$!
  for _ in $(seq 50); do [ -s "$dir/github.out" ] && break; sleep 0.1; done
  github_url=$(head -n1 "$dir/github.out")
  # act runs at most 4 jobs of a matrix at once (its default without strategy.max-parallel), and the workflow's
  # other jobs one at a time. The stand-in answers at once, so each CLI lives about a second and a shard of
  # sharded.yml holds a few at a time, not its max-parallel of 20.
  env -i PATH="$work/bin:$PATH" HOME="$dir/home" LANG=C.UTF-8 "$act" "$event" \
    --directory "$dir/repo" \
    --workflows "$dir/repo/.github/workflows/$name.yml" \
    --eventpath "$dir/event.json" \
    --json \
    --platform ubuntu-latest=-self-hosted \
    --local-repository "OWNER/REPO@v1=$action" \
    --artifact-server-path "$dir/store" \
    --artifact-server-addr 127.0.0.1 \
    --artifact-server-port "$(free_port)" \
    --no-cache-server \
    --action-cache-path "$dir/act-cache" \
    --env-file "$dir/none" --secret-file "$dir/none" --var-file "$dir/none" --input-file "$dir/none" \
    --secret GITHUB_TOKEN=act-e2e-token \
    --secret ANTHROPIC_API_KEY=sk-ant-act-e2e-stand-in \
    --env ANTHROPIC_BASE_URL="$example_model_url" \
    --env CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
    --env GITHUB_API_URL="$github_url" \
    --env GITHUB_GRAPHQL_URL="$github_url/graphql" \
    --concurrent-jobs 1 >"$dir/act.log" 2>&1 || status=$?
  kill "$github_pid"
  wait "$github_pid" || true
  if [ "$status" != 0 ]; then
    tail -n 60 "$dir/act.log" >&2
    echo "act failed on examples/$name.yml (exit $status); its whole log was $dir/act.log" >&2
    exit 1
  fi
  node __tests__/act/examples.js check "$name" "$dir"
  echo "act ran examples/$name.yml in $((SECONDS - started)) s"
}

for example in examples/*.yml; do run_example "$(basename "$example" .yml)"; done

say "the act workflows and every example passed under act"
