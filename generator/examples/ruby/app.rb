# A minimal HTTP service, the sample application of `dockseal new --example ruby` (standard library only).
# It answers 200 with a small JSON document on / and on the health path, 404 elsewhere.
require "json"
require "socket"

port = Integer(ENV.fetch("PORT", "3000"))
health_path = ENV.fetch("HEALTH_PATH", "/healthz")
server = TCPServer.new("0.0.0.0", port)
$stdout.sync = true
puts "listening on :#{port}"

loop do
  client = server.accept
  Thread.new(client) do |conn|
    request_line = conn.gets.to_s
    while (line = conn.gets) && line != "\r\n"; end # skip the headers
    path = request_line.split(" ")[1].to_s.split("?").first
    if path == "/" || path == health_path
      status, body = "200 OK", JSON.generate(status: "ok", service: "ruby-example")
    else
      status, body = "404 Not Found", JSON.generate(error: "not found")
    end
    conn.write("HTTP/1.1 #{status}\r\nContent-Type: application/json\r\nContent-Length: #{body.bytesize}\r\n" \
               "Connection: close\r\n\r\n#{body}")
  rescue StandardError => e
    warn "request failed: #{e.message}"
  ensure
    conn.close
  end
end
