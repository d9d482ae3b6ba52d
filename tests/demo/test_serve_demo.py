"""The demo server's front door: `/` sends the browser to the page with its parameters."""
import http.client
import threading

import pytest

from tools import serve_demo


@pytest.fixture
def server(tmp_path):
  server = serve_demo.make_server(str(tmp_path), 0, quiet=True)
  threading.Thread(target=server.serve_forever, daemon=True).start()
  yield server
  server.shutdown()
  server.server_close()


def _location(server, path):
  connection = http.client.HTTPConnection('127.0.0.1', server.server_address[1], timeout=10)
  try:
    connection.request('GET', path)
    response = connection.getresponse()
    return response.status, response.getheader('Location')
  finally:
    connection.close()


@pytest.mark.parametrize('path, expected', [
    ('/', serve_demo.PAGE),
    ('/?variant=int8&digit=7', serve_demo.PAGE + '?variant=int8&digit=7'),
])
def test_the_root_redirects_to_the_page_keeping_its_parameters(server, path, expected):
  assert _location(server, path) == (302, expected)
