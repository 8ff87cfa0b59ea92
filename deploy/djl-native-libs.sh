#!/usr/bin/env bash
# Unpacks DJL's native libraries (linux-x86_64, CPU) from the jars in LIB_DIR into OUT_DIR, so that a container
# never writes them into ~/.djl.ai at run time:
#   OUT_DIR/pytorch/     libtorch + DJL's JNI bridge   -> PYTORCH_LIBRARY_PATH=OUT_DIR/pytorch
#   OUT_DIR/tokenizers/  HuggingFace tokenizers        -> RUST_LIBRARY_PATH=OUT_DIR/tokenizers/libtokenizers.so
# RUST_LIBRARY_PATH must name the file: DJL 0.36 fails on a directory for a CPU build (null CUDA arch).
# ONNX Runtime needs nothing here: it unpacks into java.io.tmpdir (writable in the image).
# Used by the Dockerfile and by DjlNativeLibsITCase (which runs the result with DJL's cache dir unwritable).
# Usage: deploy/djl-native-libs.sh LIB_DIR OUT_DIR
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 LIB_DIR OUT_DIR" >&2; exit 2; }
lib_dir="$(cd "$1" && pwd)"
out_dir="$2"

one_jar() {  # the single jar in lib_dir whose name matches $1
  local matches=("$lib_dir"/$1)
  if [ ${#matches[@]} -ne 1 ] || [ ! -f "${matches[0]}" ]; then
    echo "$0: expected exactly one $1 in $lib_dir, found: ${matches[*]}" >&2
    exit 1
  fi
  echo "${matches[0]}"
}

# extract JAR ENTRY_DIR DEST: copies the files directly under ENTRY_DIR inside JAR into DEST
extract() {
  local work
  work="$(mktemp -d)"
  (cd "$work" && jar xf "$1" "$2")
  mkdir -p "$3"
  find "$work/$2" -maxdepth 1 -type f -exec cp {} "$3/" \;
  rm -rf "$work"
}

extract "$(one_jar '*pytorch-native-cpu-*-linux-x86_64.jar')" pytorch/cpu/linux-x86_64 "$out_dir/pytorch"
extract "$(one_jar '*pytorch-jni-*.jar')" jnilib/linux-x86_64/cpu "$out_dir/pytorch"
extract "$(one_jar '*tokenizers-*.jar')" native/lib/linux-x86_64/cpu "$out_dir/tokenizers"
chmod -R a+rX "$out_dir"
