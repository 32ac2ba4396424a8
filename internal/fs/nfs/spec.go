package nfs

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ParseSpec reads a mount specification as a -nfs flag gives it:
//
//	HOST:/EXPORT
//	HOST:PORT:/EXPORT
//	HOST:/EXPORT?transport=udp&rsize=32768&wsize=32768&window=16&timeo=1s&retrans=4&hard=30s&actimeo=3s&mountport=20048&uid=0&gid=0
//
// HOST may be an IPv6 address in brackets. Options not given keep
// Mount's defaults.
func ParseSpec(spec string) (Options, error) {
	var o Options
	query := ""
	if i := strings.IndexByte(spec, '?'); i >= 0 {
		spec, query = spec[:i], spec[i+1:]
	}
	i := strings.Index(spec, ":/")
	if i <= 0 {
		return o, fmt.Errorf("nfs: %q: want HOST:/EXPORT", spec)
	}
	o.Server, o.Export = spec[:i], spec[i+1:]
	q, err := url.ParseQuery(query)
	if err != nil {
		return o, fmt.Errorf("nfs: %q: %v", query, err)
	}
	for k, vs := range q {
		v := vs[len(vs)-1]
		var err error
		num := func(p *int) { *p, err = strconv.Atoi(v) }
		u32 := func(p *uint32) {
			var n uint64
			n, err = strconv.ParseUint(v, 10, 32)
			*p = uint32(n)
		}
		dur := func(p *time.Duration) { *p, err = time.ParseDuration(v) }
		switch k {
		case "transport", "proto":
			o.Transport = v
		case "rsize":
			num(&o.ReadSize)
		case "wsize":
			num(&o.WriteSize)
		case "window":
			num(&o.Window)
		case "retrans":
			num(&o.Retrans)
		case "mountport":
			num(&o.MountPort)
		case "timeo":
			dur(&o.Timeout)
		case "hard":
			dur(&o.HardTimeout)
		case "mounttimeo":
			dur(&o.MountTimeout)
		case "actimeo":
			dur(&o.AttrCacheTimeout)
		case "uid":
			u32(&o.UID)
		case "gid":
			u32(&o.GID)
		default:
			return o, fmt.Errorf("nfs: unknown option %q", k)
		}
		if err != nil {
			return o, fmt.Errorf("nfs: option %s=%q: %v", k, v, err)
		}
	}
	return o, nil
}
