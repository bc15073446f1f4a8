-- expect: error
return channel.make(1)
