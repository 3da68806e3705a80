<?php
// A minimal PHP service, the sample application of `dockseal new --example php` (no dependencies). php-fpm runs
// it through FastCGI (a web server in front, e.g. nginx with `fastcgi_pass`, serves it over HTTP). It answers
// 200 with a small JSON document on / and on the health path, 404 elsewhere.
declare(strict_types=1);

require __DIR__ . '/vendor/autoload.php'; // written by `composer dump-autoload` in the build

$healthPath = getenv('HEALTH_PATH') ?: '/healthz';
$path = parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) ?: '/';
header('Content-Type: application/json');
if ($path === '/' || $path === $healthPath) {
    echo json_encode(['status' => 'ok', 'service' => 'php-example']);
} else {
    http_response_code(404);
    echo json_encode(['status' => 'not found']);
}
