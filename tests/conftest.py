pytest_plugins = ["pxweb_server", "sotkanet_server", "file_server"]
