// origdst: a tiny Node-API addon that reads the original destination of a connection redirected by iptables
// (nat REDIRECT/DNAT), the way Envoy's original_dst listener filter does: getsockopt(fd, SOL_IP, SO_ORIGINAL_DST)
// for IPv4 and getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST) for IPv6.
//
// JavaScript: originalDst(fd: number) -> { address: string, port: number, family: 4 | 6 }
// Throws an Error whose `code` is the errno name (ENOENT: the connection was not redirected; EBADF, ENOTSOCK...).
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <node_api.h>

static const char *errno_name(int err) {
  switch (err) {
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    case ENOTSOCK: return "ENOTSOCK";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EINVAL: return "EINVAL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    default: return "EUNKNOWN";
  }
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s failed: %s", what, strerror(err));
  napi_throw_error(env, errno_name(err), message);
  return NULL;
}

static napi_value make_result(napi_env env, const char *address, unsigned port, int family) {
  napi_value result, addr, prt, fam;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, address, NAPI_AUTO_LENGTH, &addr);
  napi_create_uint32(env, port, &prt);
  napi_create_int32(env, family, &fam);
  napi_set_named_property(env, result, "address", addr);
  napi_set_named_property(env, result, "port", prt);
  napi_set_named_property(env, result, "family", fam);
  return result;
}

static napi_value original_dst(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd = -1;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) {
    napi_throw_type_error(env, "EINVAL", "originalDst(fd): fd must be a non-negative integer");
    return NULL;
  }

  struct sockaddr_storage local;
  socklen_t local_len = sizeof local;
  if (getsockname(fd, (struct sockaddr *)&local, &local_len) != 0) return throw_errno(env, "getsockname", errno);

  char text[INET6_ADDRSTRLEN];
  if (local.ss_family == AF_INET6) {
    struct sockaddr_in6 dst6;
    socklen_t len6 = sizeof dst6;
    memset(&dst6, 0, sizeof dst6);
    if (getsockopt(fd, SOL_IPV6, IP6T_SO_ORIGINAL_DST, &dst6, &len6) == 0) {
      inet_ntop(AF_INET6, &dst6.sin6_addr, text, sizeof text);
      return make_result(env, text, ntohs(dst6.sin6_port), 6);
    }
    // An IPv4 connection on a dual-stack socket is tracked by the IPv4 conntrack: fall through.
    if (errno != ENOENT && errno != ENOPROTOOPT) return throw_errno(env, "getsockopt(IP6T_SO_ORIGINAL_DST)", errno);
  }

  struct sockaddr_in dst;
  socklen_t len = sizeof dst;
  memset(&dst, 0, sizeof dst);
  if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &dst, &len) != 0) {
    return throw_errno(env, "getsockopt(SO_ORIGINAL_DST)", errno);
  }
  inet_ntop(AF_INET, &dst.sin_addr, text, sizeof text);
  return make_result(env, text, ntohs(dst.sin_port), 4);
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "originalDst", NAPI_AUTO_LENGTH, original_dst, NULL, &fn);
  napi_set_named_property(env, exports, "originalDst", fn);
  return exports;
}
