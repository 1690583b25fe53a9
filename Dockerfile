# syntax=docker/dockerfile:1
#
# Two stages: compile with the full Rust image, run on debian-slim as a
# non-root user. Build:  docker build -t wla-mentorship .
# Run (SQLite in a named volume):
#   docker run -p 8080:8080 -e JWT_SECRET="$(openssl rand -hex 32)" \
#     -v wla-data:/app/data wla-mentorship

FROM rust:1.95-bookworm AS builder
WORKDIR /src
COPY . .
# The cache mounts keep the registry and target/ between builds; the binary is
# copied out of target/ because a cache mount is not part of the image layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin wla-mentorship \
    && cp target/release/wla-mentorship /usr/local/bin/wla-mentorship

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/data \
    && chown -R app:app /app
WORKDIR /app
COPY --from=builder /usr/local/bin/wla-mentorship /usr/local/bin/wla-mentorship

ENV BIND_ADDR=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///app/data/wla-mentorship.db?mode=rwc \
    APP_ENV=production \
    LOG_FORMAT=json
EXPOSE 8080
USER 10001:10001

# No curl in the slim image: bash opens the socket itself (/dev/tcp) and the
# check passes only on a "200" status line from /health/ready. The port is
# taken from BIND_ADDR so overriding it keeps the check honest.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${BIND_ADDR##*:} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && read -r status <&3 && [[ $status == *' 200 '* ]]"]

# Exec form: the service is PID 1 and receives SIGTERM for a graceful shutdown.
ENTRYPOINT ["/usr/local/bin/wla-mentorship"]
CMD ["serve"]
