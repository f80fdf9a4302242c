# The simulator as a small image: every vendor on port 4010, the admin API and dashboard behind
# the token given in ENGAGEMENT_SIM_ADMIN_TOKEN.
#   docker build -t engagement-sim .
#   docker run --rm -p 4010:4010 -e ENGAGEMENT_SIM_ADMIN_TOKEN=change-me engagement-sim
#
# Both stages start from debian:bookworm-slim. The builder takes Rust from Debian's own packages
# (rustc-web and cargo-web, which bookworm's security suite keeps current for its browsers), not
# from rustup, so the build needs nothing but a Debian mirror and the crate registry.

FROM debian:bookworm-slim AS builder
ENV DEBIAN_FRONTEND=noninteractive
# A base made with debootstrap lists only the main suite; the security suite (same mirror, path
# ending in -security) carries the current rustc-web. Images that list it already are left alone.
RUN if ! grep -rqs 'bookworm-security' /etc/apt/sources.list /etc/apt/sources.list.d/; then \
      sed -n 's#^deb \([^ ]*\)/debian bookworm main.*#deb \1/debian-security bookworm-security main#p' \
        /etc/apt/sources.list > /etc/apt/sources.list.d/security.list; \
    fi \
 && apt-get update \
 && apt-get install -y --no-install-recommends rustc-web cargo-web gcc libc6-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && cargo --version && rustc --version
# Behind a TLS-inspecting proxy, hand its CA to the builder (public data, and the builder stage is
# not shipped): --build-arg EXTRA_CA_CERT="$(cat proxy-ca.crt)"
ARG EXTRA_CA_CERT=""
RUN if [ -n "$EXTRA_CA_CERT" ]; then \
      printf '%s\n' "$EXTRA_CA_CERT" > /usr/local/share/ca-certificates/extra.crt && update-ca-certificates; \
    fi
WORKDIR /src
# Dependencies first, in their own layer, so a source change does not download them again.
COPY Cargo.toml Cargo.lock ./
RUN mkdir -p src examples && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
 && echo 'fn main() {}' > examples/soak.rs && cargo fetch --locked
COPY . .
RUN cargo build --release --locked --bin engagement-sim \
 && install -m 0755 target/release/engagement-sim /usr/local/bin/engagement-sim

FROM debian:bookworm-slim
COPY --from=builder /usr/local/bin/engagement-sim /usr/local/bin/engagement-sim
COPY scenarios /usr/share/engagement-sim/scenarios
RUN useradd --system --uid 10001 --home-dir /data --create-home --shell /usr/sbin/nologin sim
USER sim
WORKDIR /data
ENV ENGAGEMENT_SIM_LISTEN=0.0.0.0:4010
EXPOSE 4010
# bash's /dev/tcp keeps curl out of the image; the health route is behind the admin token too.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/4010 && printf 'GET /__admin/health HTTP/1.0\\r\\nAuthorization: Bearer %s\\r\\n\\r\\n' \"$ENGAGEMENT_SIM_ADMIN_TOKEN\" >&3 && head -n1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["engagement-sim"]
CMD ["serve"]
