# s1-collector container image: a multi-stage build on Debian bookworm.
#
#   docker build -t s1-collector .
#   docker run -d --name s1c -v s1c-state:/var/lib/s1-collector \
#     -v /etc/s1-collector/config.json:/etc/s1-collector/config.json:ro \
#     -e S1_TOKEN_EU -e SEKOIA_INTAKE_KEY_EU s1-collector
#
# See docs/docker.md (secrets, the state volume, the health check).

# ---- build: compile the daemon only (no tests, simulator or sink) --------
FROM debian:bookworm AS build
WORKDIR /src
# Dependencies first, so editing the sources does not re-run apt.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
ARG JOBS=2
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DS1C_BUILD_TESTS=OFF \
 && cmake --build /build -j"${JOBS}" --target s1-collector \
 && install -D -m 0755 -s /build/src/app/s1-collector /out/usr/bin/s1-collector
# The Debian packages that hold the shared libraries the binary links
# (today libcurl4, libcpp-httplib0.11, libspdlog1.10, libfmt9, libsystemd0
# and their own dependencies): the runtime stage installs exactly these.
RUN set -e; : > /tmp/packages; \
    for lib in $(ldd /out/usr/bin/s1-collector | awk '$2 == "=>" && $3 ~ /^\// {print $3}'); do \
      path=$(readlink -f "$lib"); \
      owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null \
              || dpkg -S "${path#/usr}" 2>/dev/null) || { echo "no package owns $path" >&2; exit 1; }; \
      echo "${owner%%:*}" >> /tmp/packages; \
    done; \
    sort -u /tmp/packages > /out/runtime-packages; \
    echo "runtime packages:" $(cat /out/runtime-packages)

# ---- runtime: the binary, its libraries, CA certificates; nothing else ---
FROM debian:bookworm-slim
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates $(cat /tmp/runtime-packages) >/dev/null \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
 && groupadd --gid 10001 s1-collector \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/s1-collector --no-create-home \
      --shell /usr/sbin/nologin s1-collector \
 && install -d -m 0700 -o 10001 -g 10001 /var/lib/s1-collector \
 && install -d -m 0755 /etc/s1-collector
COPY --from=build /out/usr/bin/s1-collector /usr/bin/s1-collector

# Checkpoints and the dead-letter file: keep them across container restarts
# or collection starts over from "start_from".
VOLUME /var/lib/s1-collector
USER 10001:10001
# /metrics and /healthz when the config sets "metrics": {"listen": "0.0.0.0:9464"}.
EXPOSE 9464
# Needs metrics.listen in the config (127.0.0.1:9464 is enough for this check).
# /healthz answers 200 ("starting") until each stream's first poll window has
# passed, so the start period only needs to cover the process start.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["s1-collector", "healthcheck", "--url", "http://127.0.0.1:9464/healthz", "--timeout", "5"]
ENTRYPOINT ["s1-collector"]
# --log-format is a global option: it goes before the subcommand.
CMD ["--log-format", "json", "run", "-c", "/etc/s1-collector/config.json"]
