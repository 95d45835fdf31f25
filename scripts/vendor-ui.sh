#!/usr/bin/env bash
# Fetches the browser libraries the UI embeds, once, from the npm registry,
# into internal/web/static/vendor/, and writes static/vendor/VERSIONS.
#
# Usage: bash scripts/vendor-ui.sh   (from the repository root; needs npm,
# openssl and sha256sum). The Go build never runs this: the files it writes
# are committed, and internal/web's vendor test checks them against VERSIONS.
# To update a library, change its version below, run the script, read the
# diff, run `go test ./internal/web/` and the browser tests, commit
# (docs/ui-assets.md).
set -euo pipefail

# One line per package: name version, then the files to vendor as
# path-in-tarball=name-in-vendor. Only built browser files and the licence.
PACKAGES=(
	"htmx.org 2.0.11 package/dist/htmx.min.js=htmx.min.js package/LICENSE=htmx.org.LICENSE"
	"cytoscape 3.35.0 package/dist/cytoscape.min.js=cytoscape.min.js package/LICENSE=cytoscape.LICENSE"
	"layout-base 2.0.1 package/layout-base.js=layout-base.js package/LICENSE=layout-base.LICENSE"
	"cose-base 2.2.0 package/cose-base.js=cose-base.js package/LICENSE=cose-base.LICENSE"
	"cytoscape-fcose 2.2.0 package/cytoscape-fcose.js=cytoscape-fcose.js package/LICENSE=cytoscape-fcose.LICENSE"
	"echarts 6.1.0 package/dist/echarts.common.min.js=echarts.common.min.js package/LICENSE=echarts.LICENSE package/NOTICE=echarts.NOTICE"
)

root=$(git rev-parse --show-toplevel)
dest="$root/internal/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

die() { echo "vendor-ui: $*" >&2; exit 1; }
for tool in npm openssl sha256sum tar; do
	command -v "$tool" >/dev/null || die "$tool not found"
done

staged="$work/vendor"
mkdir -p "$staged"
{
	echo "# Vendored browser libraries, written by scripts/vendor-ui.sh: do not edit."
	echo "# package NAME VERSION LICENCE TARBALL-INTEGRITY (SHA-512, as the npm registry publishes it)"
	echo "# file NAME SHA-256 (each file below belongs to the package line above it)"
} >"$staged/VERSIONS"

for entry in "${PACKAGES[@]}"; do
	read -r name version files <<<"$entry"
	licence=$(npm view "$name@$version" license)
	[[ -n $licence && $licence != *" "* ]] || die "$name@$version: licence \"$licence\" is not one SPDX expression without spaces"
	want=$(npm view "$name@$version" dist.integrity)
	[[ $want == sha512-* ]] || die "$name@$version: the registry gives no SHA-512 integrity ($want)"
	pkgdir="$work/$name"
	mkdir -p "$pkgdir"
	tgz=$(cd "$pkgdir" && npm pack --silent "$name@$version")
	got="sha512-$(openssl dgst -sha512 -binary "$pkgdir/$tgz" | base64 -w0)"
	[[ $got == "$want" ]] || die "$name@$version: tarball integrity $got, registry says $want"
	tar -xzf "$pkgdir/$tgz" -C "$pkgdir"
	echo "package $name $version $licence $want" >>"$staged/VERSIONS"
	for pair in $files; do
		src=${pair%%=*}
		out=${pair#*=}
		[[ -f "$pkgdir/$src" ]] || die "$name@$version: $src not in the tarball"
		[[ ! -e "$staged/$out" ]] || die "$out named twice"
		cp "$pkgdir/$src" "$staged/$out"
		echo "file $out $(sha256sum "$staged/$out" | cut -d' ' -f1)" >>"$staged/VERSIONS"
	done
	echo "vendor-ui: $name@$version ok" >&2
done

rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
cp -r "$staged" "$dest"
echo "vendor-ui: wrote $dest" >&2
