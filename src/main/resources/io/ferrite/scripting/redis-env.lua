-- Redis 7.0's scripting environment (script_lua.c, eval.c), built once per Lua state by
-- io.ferrite.scripting.LuaEnvironment. Stock Lua 5.1 lacks Redis's read-only-table patch, so
-- globals and library tables are read-only proxies here; the Java side hands in its primitives
-- (running a command, SHA1, logging ...) and reads back one RESP string per script run.
local jcall, jsha1, jlog, jsetresp, jsetrepl, jrandom, jseed, jinterrupt, jwrap, jrediscall, jredispcall = ...
-- jwrap(f) makes a C function of f, which answers (true, results...) or (false, error): the error
-- is raised from C, so error positions and the error handler see what they see in Redis, where
-- these functions are C functions.
local scriptresp = 2

local type, tostring, tonumber, error, select, next = type, tostring, tonumber, error, select, next
local rawget, rawset, setmetatable, getmetatable = rawget, rawset, setmetatable, getmetatable
local xpcall, pcall, setfenv, loadstring, load = xpcall, pcall, setfenv, loadstring, load
local sformat, sbyte, ssub, sfind, sgsub = string.format, string.byte, string.sub, string.find, string.gsub
local concat, floor = table.concat, math.floor
local dbg = debug
local G = _G
-- this chunk's name: its frames stand for Redis's C functions in error positions
local PRELUDE = '=ferrite'

-- the Java side never sees a Lua error from f: an error f raises comes back as (false, error)
local cfunction = jwrap
jwrap = function(f)
    return cfunction(function(...)
        local r = {pcall(f, ...)}
        if r[1] then return unpack(r, 2, table.maxn(r)) end
        return false, r[2]
    end)
end

-- ---------------------------------------------------------------- read-only tables

local READONLY = 'Attempt to modify a readonly table'
local protected = setmetatable({}, {__mode = 'k'})


local function readonly(real, onmissing)
    local proxy = {}
    local meta = {
        __index = onmissing or real,
        __newindex = function() error(READONLY, 2) end,
    }
    local metaproxy = setmetatable({}, {__index = meta, __newindex = function() error(READONLY, 2) end})
    meta.__metatable = metaproxy
    setmetatable(proxy, meta)
    protected[proxy] = true
    protected[metaproxy] = true
    return proxy
end

-- ---------------------------------------------------------------- replies to Lua values

local function trim(s)
    s = sgsub(s, '^[\r\n]+', '')
    return (sgsub(s, '[\r\n]+$', ''))
end

-- luaPushErrorBuff: "-CODE msg" or "msg" becomes {err = "CODE msg"}
local function errtable(buf)
    local code, msg
    if sbyte(buf, 1) == 45 then
        local sp = sfind(buf, ' ', 1, true)
        if sp then
            code, msg = ssub(buf, 2, sp - 1), ssub(buf, sp + 1)
        else
            code, msg = 'ERR', ssub(buf, 2)
        end
    else
        code, msg = 'ERR', buf
    end
    return {err = code .. ' ' .. trim(msg)}
end

local parse
parse = function(s, pos)
    local t = sbyte(s, pos)
    local e = sfind(s, '\r\n', pos, true)
    local line = ssub(s, pos + 1, e - 1)
    local nxt = e + 2
    if t == 36 then -- $
        local n = tonumber(line)
        if n < 0 then return false, nxt end
        return ssub(s, nxt, nxt + n - 1), nxt + n + 2
    elseif t == 58 then -- :
        return tonumber(line), nxt
    elseif t == 43 then -- +
        return {ok = line}, nxt
    elseif t == 45 then -- -
        local err = errtable('-' .. line)
        err.ignore_error_stats_update = true
        return err, nxt
    elseif t == 42 or t == 62 then -- * and >
        local n = tonumber(line)
        if n < 0 then return false, nxt end
        local a = {}
        for i = 1, n do
            a[i], nxt = parse(s, nxt)
        end
        return a, nxt
    elseif t == 37 then -- %
        local m = {}
        for _ = 1, tonumber(line) do
            local k, v
            k, nxt = parse(s, nxt)
            v, nxt = parse(s, nxt)
            if k ~= nil then m[k] = v end
        end
        return {map = m}, nxt
    elseif t == 126 then -- ~
        local set = {}
        for _ = 1, tonumber(line) do
            local k
            k, nxt = parse(s, nxt)
            if k ~= nil then set[k] = true end
        end
        return {set = set}, nxt
    elseif t == 95 then -- _
        return nil, nxt
    elseif t == 35 then -- #
        return line == 't', nxt
    elseif t == 44 then -- ,
        return {double = tonumber(line)}, nxt
    elseif t == 40 then -- (
        return {big_number = line}, nxt
    elseif t == 61 then -- =
        local n = tonumber(line)
        local body = ssub(s, nxt, nxt + n - 1)
        return {verbatim_string = {format = ssub(body, 1, 3), string = ssub(body, 5)}}, nxt + n + 2
    elseif t == 124 then -- | attributes are not shown to scripts
        for _ = 1, tonumber(line) * 2 do
            local _v
            _v, nxt = parse(s, nxt)
        end
        return parse(s, nxt)
    end
    error('unexpected reply type ' .. tostring(t))
end

-- ---------------------------------------------------------------- Lua values to replies

local function flat(s)
    return (sgsub(s, '[\r\n]', ' '))
end

local function bulk(out, s)
    out[#out + 1] = '$' .. #s .. '\r\n'
    out[#out + 1] = s
    out[#out + 1] = '\r\n'
end

local function nullreply(caller)
    return caller == 2 and '$-1\r\n' or '_\r\n'
end

local function double(out, d, caller)
    local s
    if d == 1 / 0 then s = 'inf' elseif d == -1 / 0 then s = '-inf' else s = sformat('%.17g', d) end
    if caller == 2 then bulk(out, s) else out[#out + 1] = ',' .. s .. '\r\n' end
end

-- luaReplyToRedisReply: resp is the script's protocol (redis.setresp), caller the client's
local MAXDEPTH = 1000
local encode
encode = function(out, v, resp, caller, depth)
    depth = (depth or 0) + 1
    if depth > MAXDEPTH then
        out[#out + 1] = '-ERR reached lua stack limit\r\n'
        return
    end
    local t = type(v)
    if t == 'string' then
        bulk(out, v)
    elseif t == 'boolean' then
        if resp == 2 then
            out[#out + 1] = v and ':1\r\n' or nullreply(caller)
        elseif caller == 2 then
            out[#out + 1] = v and ':1\r\n' or ':0\r\n'
        else
            out[#out + 1] = v and '#t\r\n' or '#f\r\n'
        end
    elseif t == 'number' then
        out[#out + 1] = ':' .. sformat('%d', v) .. '\r\n'
    elseif t == 'table' then
        local f = rawget(v, 'err')
        if type(f) == 'string' then
            out[#out + 1] = '-' .. flat(f) .. '\r\n'
            return
        end
        f = rawget(v, 'ok')
        if type(f) == 'string' then
            out[#out + 1] = '+' .. flat(f) .. '\r\n'
            return
        end
        f = rawget(v, 'double')
        if type(f) == 'number' then
            double(out, f, caller)
            return
        end
        f = rawget(v, 'big_number')
        if type(f) == 'string' then
            f = flat(f)
            if caller == 2 then bulk(out, f) else out[#out + 1] = '(' .. f .. '\r\n' end
            return
        end
        f = rawget(v, 'verbatim_string')
        if type(f) == 'table' then
            local format, str = rawget(f, 'format'), rawget(f, 'string')
            if type(format) == 'string' and type(str) == 'string' then
                if caller == 2 then
                    bulk(out, str)
                else
                    out[#out + 1] = '=' .. (#str + 4) .. '\r\n' .. ssub(format .. '   ', 1, 3) .. ':'
                    out[#out + 1] = str
                    out[#out + 1] = '\r\n'
                end
                return
            end
        end
        f = rawget(v, 'map')
        if type(f) == 'table' then
            local header = #out + 1
            out[header] = ''
            local n = 0
            for k, val in next, f do
                encode(out, k, resp, caller, depth)
                encode(out, val, resp, caller, depth)
                n = n + 1
            end
            out[header] = caller == 2 and ('*' .. (2 * n) .. '\r\n') or ('%' .. n .. '\r\n')
            return
        end
        f = rawget(v, 'set')
        if type(f) == 'table' then
            local header = #out + 1
            out[header] = ''
            local n = 0
            for k in next, f do
                encode(out, k, resp, caller, depth)
                n = n + 1
            end
            out[header] = (caller == 2 and '*' or '~') .. n .. '\r\n'
            return
        end
        local header = #out + 1
        out[header] = ''
        local j = 1
        while true do
            local e = rawget(v, j)
            if e == nil then break end
            encode(out, e, resp, caller, depth)
            j = j + 1
        end
        out[header] = '*' .. (j - 1) .. '\r\n'
    else
        out[#out + 1] = nullreply(caller)
    end
end

-- ---------------------------------------------------------------- the redis table

local function packargs(...)
    local n = select('#', ...)
    if n == 0 then
        return nil, errtable('Please specify at least one argument for this redis lib call')
    end
    local args = {...}
    local parts = {}
    for i = 1, n do
        local a = args[i]
        local t = type(a)
        if t == 'number' then
            a = sformat('%.17g', a)
        elseif t ~= 'string' then
            return nil, errtable('Lua redis lib command arguments must be strings or integers')
        end
        parts[i] = #a .. ':' .. a
    end
    return concat(parts)
end

-- redis.call and redis.pcall are C functions of the Java side (like Redis's, they take up to
-- 8000 arguments); they hand the command's reply here to become a Lua value (and tell an error)
local function convert(reply)
    local value = parse(reply, 1)
    return value, sbyte(reply, 1) == 45
end

local redis = {}
redis.call = jrediscall
redis.pcall = jredispcall

redis.sha1hex = jwrap(function(...)
    if select('#', ...) ~= 1 then return false, errtable('wrong number of arguments') end
    local s = ...
    if type(s) ~= 'string' and type(s) ~= 'number' then s = '' end
    return true, jsha1(tostring(s))
end)

redis.error_reply = function(...)
    local e = ...
    if select('#', ...) ~= 1 or type(e) ~= 'string' then
        return errtable('wrong number or type of arguments')
    end
    if sbyte(e, 1) ~= 45 then e = '-' .. e end
    return errtable(e)
end

redis.status_reply = function(...)
    local s = ...
    if select('#', ...) ~= 1 or type(s) ~= 'string' then
        return errtable('wrong number or type of arguments')
    end
    return {ok = s}
end

redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.log = jwrap(function(...)
    local n = select('#', ...)
    if n < 2 then return false, errtable('redis.log() requires two arguments or more.') end
    local args = {...}
    if not tonumber(args[1]) then return false, errtable('First argument must be a number (log level).') end
    local level = floor(tonumber(args[1]))
    if level < 0 or level > 3 then return false, errtable('Invalid debug level.') end
    local parts = {}
    for i = 2, n do
        local a = args[i]
        if type(a) == 'string' or type(a) == 'number' then parts[#parts + 1] = tostring(a) end
    end
    jlog(level, concat(parts, ' '))
    return true
end)

redis.setresp = jwrap(function(...)
    if select('#', ...) ~= 1 then return false, errtable('redis.setresp() requires one argument.') end
    local r = tonumber((...)) or 0
    r = r >= 0 and floor(r) or -floor(-r)
    if r ~= 2 and r ~= 3 then return false, errtable('RESP version must be 2 or 3.') end
    scriptresp = r
    jsetresp(r)
    return true
end)

redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
redis.set_repl = jwrap(function(...)
    if select('#', ...) ~= 1 then return false, errtable('redis.set_repl() requires two arguments.') end
    local f = tonumber((...)) or 0
    f = f >= 0 and floor(f) or -floor(-f)
    if f ~= 0 and f ~= 1 and f ~= 2 and f ~= 3 then
        return false, errtable('Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.')
    end
    jsetrepl(f)
    return true
end)
redis.REDIS_VERSION = '7.0.15'
redis.REDIS_VERSION_NUM = 458767

redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end
redis.acl_check_cmd = jwrap(function(...)
    local packed, err = packargs(...)
    if not packed then return false, err end
    local verdict = jcall(packed, true)
    if verdict < 0 then return false, errtable('Invalid command passed to redis.acl_check_cmd()') end
    return true, verdict == 1
end)

-- ---------------------------------------------------------------- math.random as Redis's

-- luaL_error's position: the script line calling the C function (f, then jwrap's C function, then it)
local function where()
    local level = 3
    local i = dbg.getinfo(level, 'Sl')
    while i and (i.source == PRELUDE or i.what == 'C') do
        level = level + 1
        i = dbg.getinfo(level, 'Sl')
    end
    if i and i.currentline > 0 then return i.short_src .. ':' .. i.currentline .. ': ' end
    return ''
end

local function checkint(v, n, fname)
    local x = tonumber(v)
    if not x then
        local got = v == nil and 'no value' or type(v)
        return nil, "bad argument #" .. n .. " to '" .. fname .. "' (number expected, got " .. got .. ")"
    end
    return x >= 0 and floor(x) or -floor(-x)
end

local random = jwrap(function(...)
    local r = jrandom()
    local n = select('#', ...)
    if n == 0 then return true, r end
    local a, b = ...
    if n == 1 then
        local u, err = checkint(a, 1, 'random')
        if not u then return false, where() .. err end
        if u < 1 then return false, where() .. "bad argument #1 to 'random' (interval is empty)" end
        return true, floor(r * u) + 1
    elseif n == 2 then
        local l, err = checkint(a, 1, 'random')
        if not l then return false, where() .. err end
        local u, err2 = checkint(b, 2, 'random')
        if not u then return false, where() .. err2 end
        if l > u then return false, where() .. "bad argument #2 to 'random' (interval is empty)" end
        return true, floor(r * (u - l + 1)) + l
    end
    return false, where() .. 'wrong number of arguments'
end)

local randomseed = jwrap(function(s)
    local n, err = checkint(s, 1, 'randomseed')
    if not n then return false, where() .. err end
    jseed(n)
    return true
end)

-- ---------------------------------------------------------------- globals

local allowed = {
    string = true, cjson = true, bit = true, cmsgpack = true, math = true, table = true, struct = true,
    xpcall = true, tostring = true, getfenv = true, setmetatable = true, next = true, assert = true,
    tonumber = true, rawequal = true, collectgarbage = true, getmetatable = true, rawset = true,
    pcall = true, coroutine = true, type = true, _G = true, select = true, unpack = true, gcinfo = true,
    pairs = true, rawget = true, loadstring = true, ipairs = true, _VERSION = true, setfenv = true,
    load = true, error = true, newproxy = true,
}

local env = {}
for k, v in next, G do
    if allowed[k] then env[k] = v end
end
env.math = {}
for k, v in next, math do env.math[k] = v end
env.math.random = random
env.math.randomseed = randomseed
env.redis = redis

local P

-- library tables become read-only proxies; the globals table too, erroring on missing names
for _, lib in next, {'string', 'cjson', 'bit', 'cmsgpack', 'math', 'table', 'struct', 'coroutine', 'redis'} do
    if type(env[lib]) == 'table' then env[lib] = readonly(env[lib]) end
end

-- Redis's pcall: an error table with an err field comes back as its message (luaRedisPcall)
env.pcall = function(f, ...)
    local res = {pcall(f, ...)}
    if not res[1] then
        local e = res[2]
        if type(e) == 'table' then
            local msg = e.err
            if type(msg) == 'string' or type(msg) == 'number' then e = msg end
        end
        return false, e
    end
    return unpack(res, 1, table.maxn(res))
end

env.rawset = jwrap(function(t, k, v)
    if protected[t] then return false, READONLY end
    return true, rawset(t, k, v)
end)
env.setmetatable = jwrap(function(t, m)
    if protected[t] then return false, READONLY end
    return true, setmetatable(t, m)
end)
env.setfenv = jwrap(function(f, t)
    if f == 0 or protected[f] then return false, READONLY end
    return true, setfenv(f, t)
end)
-- chunks loaded by a script run in the protected globals too
env.loadstring = function(s, name)
    if type(s) == 'string' and sbyte(s, 1) == 27 then return nil, 'binary chunks are not allowed' end
    local f, err = loadstring(s, name)
    if f then setfenv(f, P) end
    return f, err
end
env.load = function(fn, name)
    local f, err = load(fn, name)
    if f then setfenv(f, P) end
    return f, err
end

-- ---------------------------------------------------------------- function libraries

-- What a library's code sees while FUNCTION LOAD runs it (function_lua.c's library API): only
-- redis.register_function, redis.log and the constants; set while a library loads, else nil.
local loading = nil
local FLAGS = {['no-writes'] = 1, ['allow-oom'] = 2, ['allow-stale'] = 3, ['no-cluster'] = 4, ['allow-cross-slot-keys'] = 5}

local function validname(name)
    return #name > 0 and not sfind(name, '[^%w_]')
end

local function readflags(t)
    local out = {}
    local j = 1
    while true do
        local f = t[j]
        if f == nil then break end
        if type(f) ~= 'string' and type(f) ~= 'number' then return nil end
        f = string.lower(tostring(f))
        if not FLAGS[f] then return nil end
        out[#out + 1] = f
        j = j + 1
    end
    return out
end

local register = jwrap(function(...)
    if not loading then
        return false, errtable('redis.register_function can only be called on FUNCTION LOAD command')
    end
    local n = select('#', ...)
    if n < 1 or n > 2 then return false, errtable('wrong number of arguments to redis.register_function') end
    local name, cb, flags, desc
    if n == 1 then
        local t = ...
        if type(t) ~= 'table' then
            return false, errtable('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
        end
        for k, v in next, t do
            if type(k) ~= 'string' and type(k) ~= 'number' then
                return false, errtable('named argument key given to redis.register_function is not a string')
            end
            local key = string.lower(tostring(k))
            if key == 'function_name' then
                if type(v) ~= 'string' and type(v) ~= 'number' then
                    return false, errtable('function_name argument given to redis.register_function must be a string')
                end
                name = tostring(v)
            elseif key == 'description' then
                if type(v) ~= 'string' and type(v) ~= 'number' then
                    return false, errtable('description argument given to redis.register_function must be a string')
                end
                desc = tostring(v)
            elseif key == 'callback' then
                if type(v) ~= 'function' then
                    return false, errtable('callback argument given to redis.register_function must be a function')
                end
                cb = v
            elseif key == 'flags' then
                if type(v) ~= 'table' then
                    return false, errtable('flags argument to redis.register_function must be a table representing function flags')
                end
                flags = readflags(v)
                if not flags then return false, errtable('unknown flag given') end
            else
                return false, errtable('unknown argument given to redis.register_function')
            end
        end
        if not name then return false, errtable('redis.register_function must get a function name argument') end
        if not cb then return false, errtable('redis.register_function must get a callback argument') end
    else
        name, cb = ...
        if type(name) ~= 'string' and type(name) ~= 'number' then
            return false, errtable('first argument to redis.register_function must be a string')
        end
        name = tostring(name)
        if type(cb) ~= 'function' then
            return false, errtable('second argument to redis.register_function must be a function')
        end
    end
    if not validname(name) then
        return false, errtable('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
    end
    if loading.byname[name] then return false, errtable('Function already exists in the library') end
    loading.byname[name] = true
    loading.list[#loading.list + 1] = {name = name, callback = cb, flags = flags or {}, description = desc}
    return true
end)

local libredis = {
    register_function = register, log = redis.log,
    LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
    REDIS_VERSION = '7.0.15', REDIS_VERSION_NUM = 458767,
}
local libapi = {
    redis = readonly(libredis, function(_, k)
        local v = libredis[k]
        if v == nil then
            error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
        end
        return v
    end),
}

local globals = {}
P = readonly(globals, function(_, k)
    local v = rawget(loading and libapi or env, k)
    if v == nil then
        error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
    end
    return v
end)
env._G = P

-- ---------------------------------------------------------------- running a script


-- __redis__err__handler (eval.c), where the frames of this prelude count as Redis's C functions
local function handler(err)
    local level = 2
    local i = dbg.getinfo(level, 'nSl')
    if i and i.what == 'C' then
        level = 3
        i = dbg.getinfo(level, 'nSl')
    end
    while i and (i.source == PRELUDE or i.what == 'C') do
        level = level + 1
        i = dbg.getinfo(level, 'nSl')
    end
    if type(err) ~= 'table' then
        err = {err = 'ERR ' .. tostring(err)}
    end
    if i then
        err['source'] = i.source
        err['line'] = i.currentline
    end
    return err
end
env.__redis__err__handler = handler

local function split(s)
    local t, pos, n = {}, 1, #s
    while pos <= n do
        local c = sfind(s, ':', pos, true)
        local len = tonumber(ssub(s, pos, c - 1))
        t[#t + 1] = ssub(s, c + 1, c + len)
        pos = c + len + 1
    end
    return t
end

-- Redis's luaMaskCountHook: once the script is to be killed, every line (so a pcall in a loop
-- cannot keep it alive) raises, in the script's own lines; a kill seen inside this prelude's or a
-- C function's frame waits for the next line of the script
local function hook()
    if not jinterrupt(false) then return end
    dbg.sethook(hook, 'l')
    local i = dbg.getinfo(2, 'S')
    if i and (i.source == PRELUDE or i.what == 'C') then return end
    error(errtable('Script killed by user with SCRIPT KILL...'))
end

local function compile(body, name)
    local f, err = loadstring(body, name)
    if not f then return nil, err end
    setfenv(f, P)
    return f
end

-- Runs f with KEYS and ARGV; answers ('r', RESP) or ('e', message, ignoreStats)
local function run(f, packedkeys, packedargs, caller, hooked, sha, asfunction)
    scriptresp = 2
    local ok, res
    if asfunction then
        local keys, args = split(packedkeys), split(packedargs)
        if hooked then dbg.sethook(hook, '', 100000) end
        ok, res = xpcall(function() local r = f(keys, args) return r end, handler)
    else
        env.KEYS = split(packedkeys)
        env.ARGV = split(packedargs)
        if hooked then dbg.sethook(hook, '', 100000) end
        ok, res = xpcall(f, handler)
    end
    if hooked then dbg.sethook() end
    env.KEYS, env.ARGV = nil, nil
    if not ok then
        if type(res) ~= 'table' then
            return 'e', 'ERR Error running script ' .. sha .. ', ' .. ssub(tostring(res), 1, 100) .. ' '
        end
        local msg = res.err
        msg = (type(msg) == 'string' or type(msg) == 'number') and tostring(msg) or ''
        if res.line and res.source then
            msg = msg .. ' script: ' .. sha .. ', on ' .. tostring(res.source) .. ':' .. tostring(res.line) .. '.'
        end
        return 'e', msg, res.ignore_error_stats_update == true
    end
    if type(res) == 'table' and type(rawget(res, 'err')) == 'string' then
        return 'e', rawget(res, 'err'), res.ignore_error_stats_update == true
    end
    local out = {}
    encode(out, res, scriptresp, caller)
    return 'r', concat(out)
end

-- FUNCTION LOAD: runs a library's code; answers (true, registrations) or (false, message)
local function loadlib(code)
    local f, err = loadstring(code, '@user_function')
    if not f then return false, 'ERR Error compiling function: ' .. err end
    setfenv(f, P)
    loading = {list = {}, byname = {}}
    -- luaEngineLoadHook: a library's code may run for FUNCTION LOAD's timeout at most
    local function loadhook()
        if jinterrupt(true) then
            dbg.sethook(loadhook, 'l')
            local i = dbg.getinfo(2, 'S')
            if i and (i.source == PRELUDE or i.what == 'C') then return end
            error(errtable('FUNCTION LOAD timeout'))
        end
    end
    dbg.sethook(loadhook, '', 100000)
    local ok, e = pcall(f)
    dbg.sethook()
    local regs = loading.list
    loading = nil
    if not ok then
        local msg
        if type(e) == 'table' then msg = e.err else msg = 'ERR ' .. tostring(e) end
        return false, 'ERR Error registering functions: ' .. tostring(msg)
    end
    return true, regs
end

-- what the Java side keeps
return env, compile, run, loadlib, convert
