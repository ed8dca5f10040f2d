pytest_plugins = ["pxweb_server"]
