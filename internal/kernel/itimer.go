package kernel

import (
	"time"

	"sos/internal/abi"
)

// The real-time interval timer (setitimer ITIMER_REAL), which sends
// SIGALRM through the kernel timer queue.

type realTimer struct {
	interval time.Duration
	deadline time.Duration // kernel monotonic; 0 when disarmed
	timer    *Timer
}

// RealTimer returns the interval and the time left of ITIMER_REAL.
func (p *Process) RealTimer() (interval, value time.Duration) {
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	if p.itimer.deadline != 0 {
		value = max(p.itimer.deadline-p.k.Monotonic(), time.Microsecond)
	}
	return p.itimer.interval, value
}

// SetRealTimer arms (value > 0) or disarms ITIMER_REAL and returns the old
// setting.
func (p *Process) SetRealTimer(interval, value time.Duration) (oldInterval, oldValue time.Duration) {
	oldInterval, oldValue = p.RealTimer()
	p.infoMu.Lock()
	defer p.infoMu.Unlock()
	p.k.timers.Cancel(p.itimer.timer)
	p.itimer = realTimer{interval: interval}
	if value > 0 {
		p.armLocked(p.k.Monotonic() + value)
	}
	return oldInterval, oldValue
}

func (p *Process) armLocked(deadline time.Duration) {
	p.itimer.deadline = deadline
	p.itimer.timer = p.k.timers.At(deadline, func() {
		p.infoMu.Lock()
		if p.itimer.deadline != deadline {
			p.infoMu.Unlock()
			return
		}
		p.itimer.deadline = 0
		if p.itimer.interval > 0 {
			p.armLocked(deadline + p.itimer.interval)
		}
		p.infoMu.Unlock()
		go p.k.sendSignalProcess(p, abi.SIGALRM, &SigInfo{Signo: abi.SIGALRM, Code: abi.SI_TIMER})
	})
}
