# kosmo-lua as a container: a static binary on distroless, running as nonroot.
#
#   docker build -t kosmo-lua .
#   docker run -i --rm -e WORKOS_API_KEY kosmo-lua mcp                 # stdio
#   docker run --rm -p 8080:8080 -e WORKOS_API_KEY kosmo-lua mcp --http 0.0.0.0:8080
#
# Scripts run in worker processes started from the same binary, so the image
# needs nothing else: no shell, no libc.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
COPY third_party/ third_party/
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/kosmo-lua ./cmd/kosmo-lua

FROM gcr.io/distroless/static-debian12:nonroot
# The MCP Registry checks that an oci package names its server here.
LABEL io.modelcontextprotocol.server.name="io.github.kosmo-lua/kosmo-lua"
COPY --from=build /out/kosmo-lua /usr/local/bin/kosmo-lua
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/kosmo-lua"]
CMD ["mcp"]
