-- expect: error
-- the registry is not reachable without the debug library
return debug.getregistry()._LOADED
